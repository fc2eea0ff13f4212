/**
 * Every bench client's input, the same for every contender: the bots' brain
 * (loadtest/brain.ts) steering by a local guess of the client's own position.
 * The guess starts at a spawn point and moves with the simulation's own
 * movement step (walls included), so clients wander the whole arena like the
 * brain's bots without decoding any state. Deaths and respawns are not known
 * to the guess; the brain's wander timeouts keep it moving regardless.
 * One client in five fires every tick (the fire cooldown paces the shots),
 * aiming where it walks.
 */
import { ARENA_LEVEL, indexLevel } from "../../src/sim/level.ts";
import { stepPlayerMovement, type MovingBody } from "../../src/sim/movement.ts";
import { createMemory, decide, type BrainMemory, type Intent } from "../brain.ts";

/** One in this many clients fires. */
export const FIRING_EVERY = 5;
const LEVEL_INDEX = indexLevel(ARENA_LEVEL);

export interface Steering {
  readonly body: MovingBody;
  readonly memory: BrainMemory;
  readonly isFiring: boolean;
  tick: number;
}

export function createSteering(index: number): Steering {
  const spawn = ARENA_LEVEL.spawnPoints[index % ARENA_LEVEL.spawnPoints.length]!;
  return {
    body: { x: spawn.x, y: spawn.y, vx: 0, vy: 0 },
    // Multiplicative hash: distinct, well-spread seeds for neighbouring indices (as loadtest/bot.ts).
    memory: createMemory(Math.imul(index + 1, 0x9e3779b1)),
    isFiring: index % FIRING_EVERY === 0,
    tick: 0,
  };
}

/** This tick's intent; advances the guess by one tick of `dtS` seconds. */
export function nextIntent(steering: Steering, dtS: number): Intent {
  const { body } = steering;
  const intent = decide({ self: { x: body.x, y: body.y, isAlive: true }, enemies: [], memory: steering.memory }, steering.tick);
  stepPlayerMovement(body, intent, dtS, LEVEL_INDEX);
  steering.tick++;
  intent.fire = steering.isFiring;
  return intent;
}
