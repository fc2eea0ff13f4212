/**
 * The game as a naive first version writes it, shared by the JSON baselines:
 * the same pure simulation (src/sim) as the real room, each player's latest
 * input applied once per tick, and the whole world as one plain object sent
 * to everyone. Positions go out as the simulation's floats, unquantized.
 */
import { ARENA_LEVEL } from "../../src/sim/level.ts";
import { addPlayer, applyInput, createWorld, removePlayer, stepWorld, type PlayerInput, type World } from "../../src/sim/world.ts";

/** The baselines' world seed: fixed, so every baseline steps the same world for the same inputs. */
const SEED = 1;

export interface JsonPlayer {
  id: string; name: string; x: number; y: number; vx: number; vy: number;
  aim: number; hp: number; score: number; isAlive: boolean;
}
export interface JsonProjectile { id: number; ownerId: string; x: number; y: number; vx: number; vy: number }
export interface JsonState { tick: number; players: JsonPlayer[]; projectiles: JsonProjectile[] }

export interface JsonArena {
  readonly world: World;
  readonly latest: Map<string, PlayerInput>;
}

export function createJsonArena(tickHz: number): JsonArena {
  return { world: createWorld(SEED, tickHz, ARENA_LEVEL), latest: new Map() };
}

export function joinArena(arena: JsonArena, id: string): void {
  addPlayer(arena.world, id, `player-${id}`);
}

export function leaveArena(arena: JsonArena, id: string): void {
  removePlayer(arena.world, id);
  arena.latest.delete(id);
}

/** Keeps a client's newest input; anything that is not a plausible input is ignored. */
export function setInput(arena: JsonArena, id: string, raw: unknown): void {
  if (typeof raw !== "object" || raw === null) return;
  const { moveX, moveY, aim, fire } = raw as Record<string, unknown>;
  if (typeof moveX !== "number" || typeof moveY !== "number" || typeof aim !== "number") return;
  const clamp = (v: number) => (Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0);
  arena.latest.set(id, { moveX: clamp(moveX), moveY: clamp(moveY), aim: Number.isFinite(aim) ? aim : 0, fire: fire === true });
}

/** One fixed tick: every player's latest input, then the world step. */
export function tickArena(arena: JsonArena): void {
  const { world } = arena;
  for (const [id, player] of world.players) {
    const input = arena.latest.get(id);
    if (input !== undefined) applyInput(world, player, input);
  }
  stepWorld(world);
}

/** Everything, to everyone: what the first version of a game server sends. */
export function snapshot(arena: JsonArena): JsonState {
  const { world } = arena;
  const players: JsonPlayer[] = [];
  for (const p of world.players.values()) {
    players.push({ id: p.id, name: p.name, x: p.x, y: p.y, vx: p.vx, vy: p.vy, aim: p.aim, hp: p.hp, score: p.score, isAlive: p.isAlive });
  }
  const projectiles: JsonProjectile[] = [];
  for (const p of world.projectiles.values()) {
    projectiles.push({ id: p.id, ownerId: p.ownerId, x: p.x, y: p.y, vx: p.vx, vy: p.vy });
  }
  return { tick: world.tick, players, projectiles };
}
