// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 

namespace ArenaGame.Schema {
	public partial class PlayerInput : global::Colyseus.Schema.Schema {
#if UNITY_5_3_OR_NEWER
		[global::UnityEngine.Scripting.Preserve]
#endif
		public PlayerInput() { }

		[global::Colyseus.Schema.Type(0, "uint32")]
		public uint seq = 0;

		[global::Colyseus.Schema.Type(1, "int8")]
		public sbyte moveX = 0;

		[global::Colyseus.Schema.Type(2, "int8")]
		public sbyte moveY = 0;

		[global::Colyseus.Schema.Type(3, "quantized", QuantizeMin = 0, QuantizeMax = 6.283185307179586, QuantizeBits = 16, QuantizeWrap = true)]
		public double aim = 0;

		[global::Colyseus.Schema.Type(4, "boolean")]
		public bool fire = false;
	}
}
