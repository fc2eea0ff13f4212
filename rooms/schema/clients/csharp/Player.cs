// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 

namespace ArenaGame.Schema {
	public partial class Player : global::Colyseus.Schema.Schema {
#if UNITY_5_3_OR_NEWER
		[global::UnityEngine.Scripting.Preserve]
#endif
		public Player() { }

		[global::Colyseus.Schema.Type(0, "string")]
		public string name = "";

		[global::Colyseus.Schema.Type(1, "string")]
		public string playerId = "";

		[global::Colyseus.Schema.Type(2, "uint16")]
		public ushort x = 0;

		[global::Colyseus.Schema.Type(3, "uint16")]
		public ushort y = 0;

		[global::Colyseus.Schema.Type(4, "quantized", QuantizeMin = 0, QuantizeMax = 6.283185307179586, QuantizeBits = 8, QuantizeWrap = true)]
		public double aim = 0;

		[global::Colyseus.Schema.Type(5, "uint8")]
		public byte hp = 100;

		[global::Colyseus.Schema.Type(6, "uint16")]
		public ushort score = 0;

		[global::Colyseus.Schema.Type(7, "boolean")]
		public bool isAlive = true;

		[global::Colyseus.Schema.Type(8, "string")]
		public string killedBy = "";

		[global::Colyseus.Schema.Type(9, "boolean")]
		public bool isConnected = true;

		[global::Colyseus.Schema.Type(10, "int16")]
		public short vx = 0;

		[global::Colyseus.Schema.Type(11, "int16")]
		public short vy = 0;
	}
}
