// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 


import io.colyseus.serializer.schema.Schema;
import io.colyseus.serializer.schema.types.*;

class Projectile extends Schema {
	@:type("string")
	public var ownerId: String = "";

	@:type("uint16")
	public var originX: Int = 0;

	@:type("uint16")
	public var originY: Int = 0;

	@:type("int16")
	public var vx: Int = 0;

	@:type("int16")
	public var vy: Int = 0;

	@:type("uint32")
	public var spawnTick: Int = 0;

}
