// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 


import io.colyseus.serializer.schema.Schema;
import io.colyseus.serializer.schema.types.*;

class Player extends Schema {
	@:type("string")
	public var name: String = "";

	@:type("string")
	public var playerId: String = "";

	@:type("uint16")
	public var x: Int = 0;

	@:type("uint16")
	public var y: Int = 0;

	@:type("quantized", {min: 0, max: 6.283185307179586, bits: 8, mode: 1})
	public var aim: Float = 0;

	@:type("uint8")
	public var hp: Int = 100;

	@:type("uint16")
	public var score: Int = 0;

	@:type("boolean")
	public var isAlive: Bool = true;

	@:type("string")
	public var killedBy: String = "";

	@:type("boolean")
	public var isConnected: Bool = true;

	@:type("int16")
	public var vx: Int = 0;

	@:type("int16")
	public var vy: Int = 0;

}
