import {
  FIRE_COOLDOWN_MS, PLAYER_MAX_HP, PLAYER_MAX_SPEED_UPS, PLAYER_RADIUS_UNITS,
  PROJECTILE_DAMAGE_HP, PROJECTILE_RADIUS_UNITS, PROJECTILE_SPEED_UPS, PROJECTILE_TTL_MS,
  RESPAWN_DELAY_MS, SPAWN_CLEARANCE_UNITS, GRID_CELL_UNITS, ticksFor,
} from "./constants.ts";
import { segmentCircleHit, segmentRectHit, type Rect, type Vec2 } from "./geometry.ts";
import { indexLevel, type Level, type LevelIndex } from "./level.ts";
import { snapPosition, snapVelocity, stepPlayerMovement, type MoveIntent } from "./movement.ts";
import { nextInt, type RngState } from "./rng.ts";
import { SpatialGrid } from "./spatialGrid.ts";

/** One client's input for one tick; `aim` in radians, `moveX`/`moveY` in [-1, 1]. */
export interface PlayerInput extends MoveIntent {
  aim: number;
  fire: boolean;
}

export interface SimPlayer {
  readonly kind: "player";
  readonly id: string;
  name: string;
  x: number;
  y: number;
  vx: number;
  vy: number;
  aim: number;
  hp: number;
  score: number;
  isAlive: boolean;
  /** Id of the player whose shot killed this one last ("" before a first death). */
  killedBy: string;
  nextFireTick: number;
  respawnTick: number;
}

/**
 * A projectile flies in a straight line from its origin: its position is a
 * function of its age, so a client can draw it from the spawn data alone.
 */
export interface SimProjectile {
  readonly kind: "projectile";
  readonly id: number;
  readonly ownerId: string;
  readonly originX: number;
  readonly originY: number;
  readonly vx: number;
  readonly vy: number;
  readonly spawnTick: number;
  readonly expireTick: number;
  /** How far behind the live world the shooter saw its targets when firing (lag compensation). */
  readonly rewindMs: number;
  x: number;
  y: number;
}

export type SimEntity = SimPlayer | SimProjectile;

export type SimEvent =
  | { type: "fired"; projectile: SimProjectile }
  | { type: "projectileRemoved"; projectileId: number }
  | { type: "hit"; shooterId: string; targetId: string; hp: number }
  | { type: "killed"; killerId: string; victimId: string }
  | { type: "respawned"; playerId: string };

/**
 * Where a shooter saw a target: the room answers from its rewind buffer so a
 * lagging shooter hits what was on its screen. Must return a position the
 * target really held within the last `rewindMs`.
 */
export interface TargetView {
  seenPosition(target: SimPlayer, rewindMs: number, out: Vec2): Vec2;
}

const LIVE_VIEW: TargetView = {
  seenPosition(target, _rewindMs, out) {
    out.x = target.x;
    out.y = target.y;
    return out;
  },
};

export interface World extends RngState {
  readonly tickHz: number;
  /** Seconds per tick. */
  readonly dt: number;
  tick: number;
  nextProjectileId: number;
  readonly levelIndex: LevelIndex;
  readonly players: Map<string, SimPlayer>;
  readonly projectiles: Map<number, SimProjectile>;
  /** Players and projectiles at their positions after the last step; rebuilt every step. */
  readonly entityGrid: SpatialGrid<SimEntity>;
  events: SimEvent[];
}

export function createWorld(seed: number, tickHz: number, level: Level): World {
  return {
    tickHz,
    dt: 1 / tickHz,
    tick: 0,
    rngState: seed >>> 0,
    nextProjectileId: 1,
    levelIndex: indexLevel(level),
    players: new Map(),
    projectiles: new Map(),
    entityGrid: new SpatialGrid(level.widthUnits, level.heightUnits, GRID_CELL_UNITS),
    events: [],
  };
}

export function addPlayer(world: World, id: string, name: string): SimPlayer {
  const spawn = pickSpawnPoint(world);
  const player: SimPlayer = {
    kind: "player", id, name, x: spawn.x, y: spawn.y, vx: 0, vy: 0, aim: 0,
    hp: PLAYER_MAX_HP, score: 0, isAlive: true, killedBy: "", nextFireTick: 0, respawnTick: 0,
  };
  world.players.set(id, player);
  world.entityGrid.insertPoint(player, player.x, player.y);
  return player;
}

/** Removes a player; its projectiles in flight keep flying. */
export function removePlayer(world: World, id: string): void {
  world.players.delete(id);
}

/**
 * Applies one input of `player` for this tick: movement, aim, and a shot
 * when the cooldown allows. `rewindMs` is how far in the past the shooter saw
 * the world when it sampled this input. Dead players ignore input.
 */
export function applyInput(world: World, player: SimPlayer, input: PlayerInput, rewindMs = 0): void {
  if (!player.isAlive) return;
  stepPlayerMovement(player, input, world.dt, world.levelIndex);
  player.aim = input.aim;
  if (input.fire && world.tick >= player.nextFireTick) {
    player.nextFireTick = world.tick + ticksFor(FIRE_COOLDOWN_MS, world.tickHz);
    spawnProjectile(world, player, rewindMs);
  }
}

function spawnProjectile(world: World, owner: SimPlayer, rewindMs: number): void {
  const dirX = Math.cos(owner.aim);
  const dirY = Math.sin(owner.aim);
  const muzzle = PLAYER_RADIUS_UNITS + PROJECTILE_RADIUS_UNITS;
  const projectile: SimProjectile = {
    kind: "projectile",
    id: world.nextProjectileId++,
    ownerId: owner.id,
    originX: snapPosition(owner.x + dirX * muzzle),
    originY: snapPosition(owner.y + dirY * muzzle),
    vx: snapVelocity(dirX * PROJECTILE_SPEED_UPS),
    vy: snapVelocity(dirY * PROJECTILE_SPEED_UPS),
    spawnTick: world.tick,
    expireTick: world.tick + ticksFor(PROJECTILE_TTL_MS, world.tickHz),
    rewindMs,
    x: 0,
    y: 0,
  };
  projectile.x = projectile.originX;
  projectile.y = projectile.originY;
  world.projectiles.set(projectile.id, projectile);
  world.events.push({ type: "fired", projectile });
}

const scratchCandidates: SimEntity[] = [];
const scratchWalls: Rect[] = [];
const scratchSeen: Vec2 = { x: 0, y: 0 };

/**
 * Advances the world by one tick after this tick's inputs were applied:
 * projectiles fly and hit, dead players respawn, the entity grid is rebuilt
 * and the tick counter advances. Returns (and clears) the tick's events.
 */
export function stepWorld(world: World, view: TargetView = LIVE_VIEW): SimEvent[] {
  indexEntities(world);
  for (const projectile of world.projectiles.values()) stepProjectile(world, projectile, view);
  respawnDue(world);
  indexEntities(world);
  world.tick++;
  const events = world.events;
  world.events = [];
  return events;
}

function indexEntities(world: World): void {
  const grid = world.entityGrid;
  grid.clear();
  for (const p of world.players.values()) grid.insertPoint(p, p.x, p.y);
  for (const p of world.projectiles.values()) grid.insertPoint(p, p.x, p.y);
}

function stepProjectile(world: World, projectile: SimProjectile, view: TargetView): void {
  const age = world.tick + 1 - projectile.spawnTick;
  const ax = projectile.x;
  const ay = projectile.y;
  const bx = projectile.originX + projectile.vx * world.dt * age;
  const by = projectile.originY + projectile.vy * world.dt * age;

  let firstT = 2; // > 1: nothing hit along the segment
  let target: SimPlayer | null = null;

  const { level, obstacleGrid } = world.levelIndex;
  const bounds: Rect = { x: 0, y: 0, w: level.widthUnits, h: level.heightUnits };
  if (bx < 0 || by < 0 || bx > bounds.w || by > bounds.h) firstT = 1;
  scratchWalls.length = 0;
  obstacleGrid.queryBox(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by), scratchWalls);
  for (const wall of scratchWalls) {
    const t = segmentRectHit(ax, ay, bx, by, wall, PROJECTILE_RADIUS_UNITS);
    if (t >= 0 && t < firstT) firstT = t;
  }

  // Targets may have moved since the shooter saw them: widen the search by that distance.
  const reach = Math.hypot(bx - ax, by - ay) / 2 + PLAYER_RADIUS_UNITS + PROJECTILE_RADIUS_UNITS
    + (PLAYER_MAX_SPEED_UPS * projectile.rewindMs) / 1000;
  scratchCandidates.length = 0;
  world.entityGrid.queryRadius((ax + bx) / 2, (ay + by) / 2, reach, scratchCandidates);
  for (const candidate of scratchCandidates) {
    if (candidate.kind !== "player" || !candidate.isAlive || candidate.id === projectile.ownerId) continue;
    const seen = view.seenPosition(candidate, projectile.rewindMs, scratchSeen);
    const t = segmentCircleHit(ax, ay, bx, by, seen.x, seen.y, PLAYER_RADIUS_UNITS + PROJECTILE_RADIUS_UNITS);
    if (t >= 0 && (t < firstT || (t === firstT && target !== null && candidate.id < target.id))) {
      firstT = t;
      target = candidate;
    }
  }

  if (target !== null) hitPlayer(world, projectile.ownerId, target);
  if (firstT <= 1 || world.tick + 1 >= projectile.expireTick) {
    world.projectiles.delete(projectile.id);
    world.events.push({ type: "projectileRemoved", projectileId: projectile.id });
    return;
  }
  projectile.x = bx;
  projectile.y = by;
}

function hitPlayer(world: World, shooterId: string, target: SimPlayer): void {
  target.hp = Math.max(0, target.hp - PROJECTILE_DAMAGE_HP);
  world.events.push({ type: "hit", shooterId, targetId: target.id, hp: target.hp });
  if (target.hp > 0) return;
  target.isAlive = false;
  target.killedBy = shooterId;
  target.vx = 0;
  target.vy = 0;
  target.respawnTick = world.tick + ticksFor(RESPAWN_DELAY_MS, world.tickHz);
  const shooter = world.players.get(shooterId);
  if (shooter !== undefined) shooter.score++;
  world.events.push({ type: "killed", killerId: shooterId, victimId: target.id });
}

function respawnDue(world: World): void {
  for (const player of world.players.values()) {
    if (player.isAlive || world.tick < player.respawnTick) continue;
    const spawn = pickSpawnPoint(world);
    player.x = spawn.x;
    player.y = spawn.y;
    player.vx = 0;
    player.vy = 0;
    player.hp = PLAYER_MAX_HP;
    player.isAlive = true;
    world.events.push({ type: "respawned", playerId: player.id });
  }
}

/** A random spawn point with no living player within the clearance, else the least crowded one. */
function pickSpawnPoint(world: World): Vec2 {
  const points = world.levelIndex.level.spawnPoints;
  const free: Vec2[] = [];
  let fallback = points[0]!;
  let fallbackDistSq = -1;
  for (const point of points) {
    scratchCandidates.length = 0;
    world.entityGrid.queryRadius(point.x, point.y, SPAWN_CLEARANCE_UNITS, scratchCandidates);
    if (!scratchCandidates.some((e) => e.kind === "player" && e.isAlive)) free.push(point);
    const nearestSq = nearestLivingPlayerDistSq(world, point);
    if (nearestSq > fallbackDistSq) { fallbackDistSq = nearestSq; fallback = point; }
  }
  return free.length > 0 ? free[nextInt(world, free.length)]! : fallback;
}

function nearestLivingPlayerDistSq(world: World, point: Vec2): number {
  let best = Infinity;
  for (const p of world.players.values()) {
    if (!p.isAlive) continue;
    best = Math.min(best, (p.x - point.x) ** 2 + (p.y - point.y) ** 2);
  }
  return best;
}

/** FNV-1a over every simulated number in a fixed order: equal hashes mean equal worlds. */
export function worldHash(world: World): string {
  const values: number[] = [world.tick, world.rngState, world.nextProjectileId];
  for (const id of [...world.players.keys()].sort()) {
    const p = world.players.get(id)!;
    values.push(p.x, p.y, p.vx, p.vy, p.aim, p.hp, p.score, p.isAlive ? 1 : 0, p.nextFireTick, p.respawnTick);
  }
  for (const id of [...world.projectiles.keys()].sort((a, b) => a - b)) {
    const p = world.projectiles.get(id)!;
    values.push(p.id, p.x, p.y, p.vx, p.vy, p.spawnTick, p.expireTick);
  }
  const bytes = new Uint8Array(new Float64Array(values).buffer);
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}
