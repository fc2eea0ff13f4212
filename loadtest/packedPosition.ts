/**
 * Experiment of `bench:tick` (issue 13): the arena's wire schema with a
 * player's x and y packed into one `t.uint32()` (x in the high 16 bits), to
 * weigh against the shipped two `t.uint16()` fields. Not the wire contract:
 * rooms/schema/ArenaState.ts is. Everything but the position is identical.
 */
import { schema, t, type SchemaType } from "@colyseus/schema";
import { PLAYER_MAX_HP, POSITION_SCALE, VELOCITY_SCALE } from "../src/sim/constants.ts";
import type { SimPlayer } from "../src/sim/world.ts";
import { OWNER_VIEW_TAG, Projectile } from "../rooms/schema/ArenaState.ts";

export const PackedPlayer = schema({
  name: t.string().default(""),
  playerId: t.string().default(""),
  /** x * 65536 + y, both in 1/POSITION_SCALE u (each < 2^16). */
  pos: t.uint32().default(0),
  aim: t.angle({ bits: 8 }).default(0),
  hp: t.uint8().default(PLAYER_MAX_HP),
  score: t.uint16().default(0),
  isAlive: t.boolean().default(true),
  isConnected: t.boolean().default(true),
  vx: t.int16().view(OWNER_VIEW_TAG).default(0),
  vy: t.int16().view(OWNER_VIEW_TAG).default(0),
}, "PackedPlayer");
export type PackedPlayer = SchemaType<typeof PackedPlayer>;

export const PackedArenaState = schema({
  tick: t.uint32().default(0),
  tickHz: t.uint8().default(30),
  players: t.map(PackedPlayer).view(),
  projectiles: t.map(Projectile).view(),
}, "PackedArenaState");
export type PackedArenaState = SchemaType<typeof PackedArenaState>;

/** Exact for integers in [0, 65535]: the product and sum stay far below 2^53. */
export function packPosition(x: number, y: number): number {
  return x * 65_536 + y;
}

/** The inverse of packPosition, integer arithmetic only (what a client would run before predicting). */
export function unpackPosition(pos: number): { x: number; y: number } {
  return { x: pos >>> 16, y: pos & 0xffff };
}

/** rooms/stateSync.ts' writePlayer for the packed schema. */
export function writePackedPlayer(wire: PackedPlayer, sim: SimPlayer): void {
  wire.pos = packPosition(sim.x * POSITION_SCALE, sim.y * POSITION_SCALE);
  wire.vx = sim.vx * VELOCITY_SCALE;
  wire.vy = sim.vy * VELOCITY_SCALE;
  wire.aim = sim.aim;
  wire.hp = sim.hp;
  wire.score = sim.score;
  wire.isAlive = sim.isAlive;
}
