// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 


import io.colyseus.serializer.schema.Schema;
import io.colyseus.serializer.schema.types.*;

class PlayerInput extends Schema {
	@:type("uint32")
	public var seq: Int = 0;

	@:type("int8")
	public var moveX: Int = 0;

	@:type("int8")
	public var moveY: Int = 0;

	@:type("quantized", {min: 0, max: 6.283185307179586, bits: 16, mode: 1})
	public var aim: Float = 0;

	@:type("boolean")
	public var fire: Bool = false;

}
