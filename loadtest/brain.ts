/**
 * The bots' decisions, as pure functions of what a bot sees: no SDK, no clock,
 * no Math.random (randomness is the seeded PRNG held in the bot's memory), so
 * the same view, memory and tick always give the same intent.
 */
import {
  ARENA_HEIGHT_UNITS, ARENA_WIDTH_UNITS, PROJECTILE_SPEED_UPS, PROJECTILE_TTL_MS,
} from "../src/sim/constants.ts";
import { nextRandom, type RngState } from "../src/sim/rng.ts";

/** One tick's input, in the units of the arena room's `PlayerInput`. */
export interface Intent {
  /** -1, 0 or 1 on each axis (the room clamps to [-1, 1]). */
  moveX: number;
  moveY: number;
  /** Radians in [0, 2*PI); 0 points along +x, PI/2 along +y. */
  aim: number;
  fire: boolean;
}

export interface Point {
  x: number;
  y: number;
}

/** What a bot carries from one tick to the next; `decide` advances it. */
export interface BrainMemory extends RngState {
  wanderTarget: Point;
  /** Tick at which the bot picks a new wander target even if it has not reached this one (walls can block it). */
  wanderUntilTick: number;
}

/** What a probe bot sees, in world units, decoded from its (interest-filtered) state. */
export interface BrainView {
  /** Undefined until the bot's own player has arrived in its state. */
  self: (Point & { isAlive: boolean }) | undefined;
  /** Other living players in view. */
  enemies: readonly Point[];
  memory: BrainMemory;
}

/** A projectile's range: beyond it a shot cannot land. */
export const FIRE_RANGE_UNITS = (PROJECTILE_SPEED_UPS * PROJECTILE_TTL_MS) / 1000;
/** Closer than this a bot stops chasing and circles its target instead. */
export const CHASE_STOP_UNITS = 6;
/** A wander target this close counts as reached. */
const ARRIVED_UNITS = 2;
/** Wander targets keep this far from the arena edge. */
const WANDER_MARGIN_UNITS = 10;
/** A wander leg lasts 2-6 s at 30 Hz before the bot gives up on reaching its target. */
const WANDER_MIN_TICKS = 60;
const WANDER_EXTRA_TICKS = 120;
/** Ticks between switching the side a bot circles its target on. */
const STRAFE_SWITCH_TICKS = 45;
/** sin(22.5 deg): an axis component below this fraction of the direction is dropped, giving 8 directions. */
const AXIS_DEADZONE = 0.383;
const TWO_PI = 2 * Math.PI;

export function createMemory(seed: number): BrainMemory {
  return { rngState: seed >>> 0, wanderTarget: { x: ARENA_WIDTH_UNITS / 2, y: ARENA_HEIGHT_UNITS / 2 }, wanderUntilTick: 0 };
}

/**
 * One tick of a probe bot: chase and shoot the nearest visible enemy (aim at
 * it, fire when in range, circle it when close), otherwise wander between
 * random points. A dead bot, or one that does not see itself yet, idles.
 */
export function decide(view: BrainView, tick: number): Intent {
  const { self, memory } = view;
  if (self === undefined || !self.isAlive) return { moveX: 0, moveY: 0, aim: 0, fire: false };

  const target = nearest(self, view.enemies);
  if (target !== undefined) {
    const dx = target.x - self.x;
    const dy = target.y - self.y;
    const distance = Math.hypot(dx, dy);
    const aim = normalizeAngle(Math.atan2(dy, dx));
    const fire = distance <= FIRE_RANGE_UNITS;
    if (distance > CHASE_STOP_UNITS) return { ...towards(dx, dy), aim, fire };
    const side = Math.floor(tick / STRAFE_SWITCH_TICKS) % 2 === 0 ? 1 : -1;
    return { ...towards(-dy * side, dx * side), aim, fire };
  }

  const isArrived = Math.hypot(memory.wanderTarget.x - self.x, memory.wanderTarget.y - self.y) < ARRIVED_UNITS;
  if (isArrived || tick >= memory.wanderUntilTick) pickWanderTarget(memory, tick);
  const dx = memory.wanderTarget.x - self.x;
  const dy = memory.wanderTarget.y - self.y;
  return { ...towards(dx, dy), aim: normalizeAngle(Math.atan2(dy, dx)), fire: false };
}

/**
 * A light bot's intents: a fixed loop of `length` ticks built once from its
 * seed (hold a direction for 1-3 s, sweep the aim, fire now and then), so a
 * light bot spends no CPU deciding and needs no decoded state.
 */
export function scriptIntents(seed: number, length: number): Intent[] {
  const rng: RngState = { rngState: seed >>> 0 };
  const script: Intent[] = [];
  let moveX = 0;
  let moveY = 0;
  let holdTicks = 0;
  let aim = nextRandom(rng) * TWO_PI;
  for (let tick = 0; tick < length; tick++) {
    if (holdTicks-- <= 0) {
      moveX = Math.floor(nextRandom(rng) * 3) - 1;
      moveY = Math.floor(nextRandom(rng) * 3) - 1;
      holdTicks = 30 + Math.floor(nextRandom(rng) * 60);
    }
    aim = normalizeAngle(aim + (nextRandom(rng) - 0.5) * 0.3);
    script.push({ moveX, moveY, aim, fire: nextRandom(rng) < 0.1 });
  }
  return script;
}

function pickWanderTarget(memory: BrainMemory, tick: number): void {
  memory.wanderTarget = {
    x: WANDER_MARGIN_UNITS + nextRandom(memory) * (ARENA_WIDTH_UNITS - 2 * WANDER_MARGIN_UNITS),
    y: WANDER_MARGIN_UNITS + nextRandom(memory) * (ARENA_HEIGHT_UNITS - 2 * WANDER_MARGIN_UNITS),
  };
  memory.wanderUntilTick = tick + WANDER_MIN_TICKS + Math.floor(nextRandom(memory) * WANDER_EXTRA_TICKS);
}

function nearest(from: Point, points: readonly Point[]): Point | undefined {
  let best: Point | undefined;
  let bestDistSq = Number.POSITIVE_INFINITY;
  for (const p of points) {
    const distSq = (p.x - from.x) ** 2 + (p.y - from.y) ** 2;
    if (distSq < bestDistSq) {
      best = p;
      bestDistSq = distSq;
    }
  }
  return best;
}

/** The 8-way stick direction closest to (dx, dy); (0, 0) for no direction. */
function towards(dx: number, dy: number): { moveX: number; moveY: number } {
  const length = Math.hypot(dx, dy);
  if (length === 0) return { moveX: 0, moveY: 0 };
  const axis = (d: number) => (Math.abs(d) < AXIS_DEADZONE * length ? 0 : Math.sign(d));
  return { moveX: axis(dx), moveY: axis(dy) };
}

function normalizeAngle(radians: number): number {
  const a = radians % TWO_PI;
  return a < 0 ? a + TWO_PI : a;
}
