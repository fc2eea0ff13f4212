// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 

namespace ArenaGame.Schema {
	public partial class Projectile : global::Colyseus.Schema.Schema {
#if UNITY_5_3_OR_NEWER
		[global::UnityEngine.Scripting.Preserve]
#endif
		public Projectile() { }

		[global::Colyseus.Schema.Type(0, "string")]
		public string ownerId = "";

		[global::Colyseus.Schema.Type(1, "uint16")]
		public ushort originX = 0;

		[global::Colyseus.Schema.Type(2, "uint16")]
		public ushort originY = 0;

		[global::Colyseus.Schema.Type(3, "int16")]
		public short vx = 0;

		[global::Colyseus.Schema.Type(4, "int16")]
		public short vy = 0;

		[global::Colyseus.Schema.Type(5, "uint32")]
		public uint spawnTick = 0;
	}
}
