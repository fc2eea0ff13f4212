import {
  PLAYER_ACCEL_UPS2, PLAYER_BRAKE_UPS2, PLAYER_MAX_SPEED_UPS, PLAYER_RADIUS_UNITS,
  POSITION_SCALE, VELOCITY_SCALE,
} from "./constants.ts";
import { pushCircleOutOfRect, type Rect } from "./geometry.ts";
import type { LevelIndex } from "./level.ts";

/** Structural: a server-side sim player and a client's predicted copy both fit. */
export interface MovingBody {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

/** Movement axes in [-1, 1] (analog sticks give fractions). */
export interface MoveIntent {
  moveX: number;
  moveY: number;
}

/** Longest distance moved between two collision checks: half a radius, so a wall >= 1 u thick is never skipped. */
export const MAX_SUBSTEP_UNITS = PLAYER_RADIUS_UNITS / 2;
const scratchWalls: Rect[] = [];

export function snapPosition(v: number): number {
  return Math.round(v * POSITION_SCALE) / POSITION_SCALE;
}

export function snapVelocity(v: number): number {
  return Math.round(v * VELOCITY_SCALE) / VELOCITY_SCALE;
}

/**
 * One fixed step of player movement: accelerate towards the intent (or brake
 * without one), cap the speed, then move in sub-steps of at most half a radius,
 * resolving the arena bounds and walls after each so the circle never passes
 * through a wall, whatever the speed and angle. Pure and deterministic: the
 * server and a predicting client run this same function.
 */
export function stepPlayerMovement(body: MovingBody, intent: MoveIntent, dt: number, index: LevelIndex): void {
  let ix = intent.moveX;
  let iy = intent.moveY;
  const intentLen = Math.sqrt(ix * ix + iy * iy);
  if (intentLen > 1) { ix /= intentLen; iy /= intentLen; }

  if (intentLen > 0) {
    body.vx += ix * PLAYER_ACCEL_UPS2 * dt;
    body.vy += iy * PLAYER_ACCEL_UPS2 * dt;
  } else {
    const speed = Math.sqrt(body.vx * body.vx + body.vy * body.vy);
    const braked = speed - PLAYER_BRAKE_UPS2 * dt;
    if (braked <= 0) { body.vx = 0; body.vy = 0; }
    else { body.vx *= braked / speed; body.vy *= braked / speed; }
  }
  const speedSq = body.vx * body.vx + body.vy * body.vy;
  if (speedSq > PLAYER_MAX_SPEED_UPS * PLAYER_MAX_SPEED_UPS) {
    const k = PLAYER_MAX_SPEED_UPS / Math.sqrt(speedSq);
    body.vx *= k;
    body.vy *= k;
  }

  const dx = body.vx * dt;
  const dy = body.vy * dt;
  const steps = Math.max(1, Math.ceil(Math.sqrt(dx * dx + dy * dy) / MAX_SUBSTEP_UNITS));
  for (let i = 0; i < steps; i++) {
    body.x += dx / steps;
    body.y += dy / steps;
    resolveCollisions(body, index);
  }
  body.x = snapPosition(body.x);
  body.y = snapPosition(body.y);
  body.vx = snapVelocity(body.vx);
  body.vy = snapVelocity(body.vy);
}

function resolveCollisions(body: MovingBody, index: LevelIndex): void {
  const r = PLAYER_RADIUS_UNITS;
  const { level, obstacleGrid } = index;
  if (body.x < r) { body.x = r; if (body.vx < 0) body.vx = 0; }
  else if (body.x > level.widthUnits - r) { body.x = level.widthUnits - r; if (body.vx > 0) body.vx = 0; }
  if (body.y < r) { body.y = r; if (body.vy < 0) body.vy = 0; }
  else if (body.y > level.heightUnits - r) { body.y = level.heightUnits - r; if (body.vy > 0) body.vy = 0; }

  scratchWalls.length = 0;
  obstacleGrid.queryBox(body.x - r, body.y - r, body.x + r, body.y + r, scratchWalls);
  for (const wall of scratchWalls) {
    const normal = pushCircleOutOfRect(body, r, wall);
    if (normal === null) continue;
    // Slide along the wall: drop only the velocity component into it.
    const into = body.vx * normal.x + body.vy * normal.y;
    if (into < 0) { body.vx -= into * normal.x; body.vy -= into * normal.y; }
  }
}
