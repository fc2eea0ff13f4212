// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 

namespace ArenaGame.Schema {
	public partial class ArenaState : global::Colyseus.Schema.Schema {
#if UNITY_5_3_OR_NEWER
		[global::UnityEngine.Scripting.Preserve]
#endif
		public ArenaState() { }

		[global::Colyseus.Schema.Type(0, "uint32")]
		public uint tick = 0;

		[global::Colyseus.Schema.Type(1, "uint8")]
		public byte tickHz = 30;

		[global::Colyseus.Schema.Type(2, "map", typeof(global::Colyseus.Schema.MapSchema<Player>))]
		public global::Colyseus.Schema.MapSchema<Player> players = new global::Colyseus.Schema.MapSchema<Player>();

		[global::Colyseus.Schema.Type(3, "map", typeof(global::Colyseus.Schema.MapSchema<Projectile>))]
		public global::Colyseus.Schema.MapSchema<Projectile> projectiles = new global::Colyseus.Schema.MapSchema<Projectile>();
	}
}
