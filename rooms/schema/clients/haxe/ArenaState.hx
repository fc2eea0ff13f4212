// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 


import io.colyseus.serializer.schema.Schema;
import io.colyseus.serializer.schema.types.*;

class ArenaState extends Schema {
	@:type("uint32")
	public var tick: Int = 0;

	@:type("uint8")
	public var tickHz: Int = 30;

	@:type("map", Player)
	public var players: MapSchema<Player> = new MapSchema<Player>();

	@:type("map", Projectile)
	public var projectiles: MapSchema<Projectile> = new MapSchema<Projectile>();

}
