import { schema, t, type SchemaType } from "@colyseus/schema";
import { PLAYER_MAX_HP } from "../../src/sim/constants.ts";

/**
 * The wire contract of the `arena` room. Positions are integers in
 * 1/POSITION_SCALE units and velocities in 1/VELOCITY_SCALE u/s (see
 * src/sim/constants.ts): the simulation snaps to exactly those grids, so
 * decoding `x / POSITION_SCALE` gives the server's value bit for bit.
 */

/** View tag of fields only the owning client receives (its prediction needs them). */
export const OWNER_VIEW_TAG = 1;

export const Player = schema({
  name: t.string().default(""),
  /** Whom to address a direct message to: the join token's player id, or the session id for anonymous play. */
  playerId: t.string().default(""),
  x: t.uint16().default(0),
  y: t.uint16().default(0),
  /** Radians, 8 bits: enough to draw the gun; shots use the 16-bit input angle. */
  aim: t.angle({ bits: 8 }).default(0),
  hp: t.uint8().default(PLAYER_MAX_HP),
  score: t.uint16().default(0),
  isAlive: t.boolean().default(true),
  /**
   * Session id of the player who killed this one last, set when isAlive turns false: the kill reaches
   * every client that has the victim in view, inside the patch (a message to everyone was one extra
   * frame per client per kill, O(players^2) writes in a big room).
   */
  killedBy: t.string().default(""),
  /** False while the seat is held for a reconnection: the entity stays, frozen. */
  isConnected: t.boolean().default(true),
  vx: t.int16().view(OWNER_VIEW_TAG).default(0),
  vy: t.int16().view(OWNER_VIEW_TAG).default(0),
}, "Player");
export type Player = SchemaType<typeof Player>;

/**
 * Sent once when it comes into view and never updated: a projectile flies
 * straight, so its position at state tick T is
 * origin + v * (T - spawnTick) / tickHz.
 */
export const Projectile = schema({
  ownerId: t.string().default(""),
  originX: t.uint16().default(0),
  originY: t.uint16().default(0),
  vx: t.int16().default(0),
  vy: t.int16().default(0),
  spawnTick: t.uint32().default(0),
}, "Projectile");
export type Projectile = SchemaType<typeof Projectile>;

export const ArenaState = schema({
  /** Simulation tick this state was taken at. */
  tick: t.uint32().default(0),
  tickHz: t.uint8().default(30),
  /** Only entities in a client's view reach it (interest management). */
  players: t.map(Player).view(),
  projectiles: t.map(Projectile).view(),
}, "ArenaState");
export type ArenaState = SchemaType<typeof ArenaState>;

/** One input per tick; `seq` increases by one per input and is acknowledged in patches. */
export const PlayerInput = schema({
  seq: t.uint32().default(0),
  moveX: t.int8().default(0),
  moveY: t.int8().default(0),
  aim: t.angle().default(0),
  fire: t.boolean().default(false),
  /**
   * A plain copy of the five numbers. Core's input buffer stores `clone()` of every decoded input
   * (30 per player per second) and the tick only reads them: Schema's own clone built a change-tracked
   * instance each time, about 5% of a busy server's CPU plus its garbage. Clients never clone inputs.
   */
  clone() {
    return { seq: this.seq, moveX: this.moveX, moveY: this.moveY, aim: this.aim, fire: this.fire };
  },
}, "PlayerInput");
export type PlayerInput = SchemaType<typeof PlayerInput>;
