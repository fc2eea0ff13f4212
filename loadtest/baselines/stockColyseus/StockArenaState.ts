import { schema, t, type SchemaType } from "@colyseus/schema";

/**
 * The arena's state as Colyseus tutorials declare it: plain `number` fields
 * (Schema picks float32/float64 or a varint per value) and no views, so every
 * client receives every entity. Same entities and fields as
 * rooms/schema/ArenaState.ts; only the two choices under test differ.
 */
export const StockPlayer = schema({
  name: t.string().default(""),
  playerId: t.string().default(""),
  x: t.number().default(0),
  y: t.number().default(0),
  aim: t.number().default(0),
  hp: t.number().default(100),
  score: t.number().default(0),
  isAlive: t.boolean().default(true),
  isConnected: t.boolean().default(true),
  vx: t.number().default(0),
  vy: t.number().default(0),
}, "StockPlayer");
export type StockPlayer = SchemaType<typeof StockPlayer>;

export const StockProjectile = schema({
  ownerId: t.string().default(""),
  originX: t.number().default(0),
  originY: t.number().default(0),
  vx: t.number().default(0),
  vy: t.number().default(0),
  spawnTick: t.number().default(0),
}, "StockProjectile");
export type StockProjectile = SchemaType<typeof StockProjectile>;

export const StockArenaState = schema({
  tick: t.number().default(0),
  tickHz: t.number().default(30),
  players: t.map(StockPlayer),
  projectiles: t.map(StockProjectile),
}, "StockArenaState");
export type StockArenaState = SchemaType<typeof StockArenaState>;

export const StockInput = schema({
  seq: t.number().default(0),
  moveX: t.number().default(0),
  moveY: t.number().default(0),
  aim: t.number().default(0),
  fire: t.boolean().default(false),
}, "StockInput");
export type StockInput = SchemaType<typeof StockInput>;
