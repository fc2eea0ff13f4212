/**
 * Tuning of the arena game. Units: `u` is one world unit, `s` a second,
 * `ms` a millisecond, `hp` a hit point. Durations are converted to ticks with
 * `ticksFor(ms, tickHz)` so the simulation itself only ever counts ticks.
 */

export const ARENA_WIDTH_UNITS = 200;
export const ARENA_HEIGHT_UNITS = 200;

export const PLAYER_RADIUS_UNITS = 1;
export const PLAYER_MAX_SPEED_UPS = 12; // u/s
export const PLAYER_ACCEL_UPS2 = 90; // u/s^2 towards the input direction
export const PLAYER_BRAKE_UPS2 = 70; // u/s^2 when there is no input
export const PLAYER_MAX_HP = 100;

export const PROJECTILE_SPEED_UPS = 60; // u/s
export const PROJECTILE_RADIUS_UNITS = 0.25;
export const PROJECTILE_TTL_MS = 1_500; // 90 u of range
export const PROJECTILE_DAMAGE_HP = 25;
export const FIRE_COOLDOWN_MS = 250;

export const RESPAWN_DELAY_MS = 2_000;
/** A spawn point is free when no living player is closer than this. */
export const SPAWN_CLEARANCE_UNITS = 8;

/** Cell size of the uniform spatial hash grid (collision and interest queries). */
export const GRID_CELL_UNITS = 10;

/**
 * Positions are snapped to multiples of 1/POSITION_SCALE units and velocities
 * to 1/VELOCITY_SCALE u/s after every step. Both are powers of two, so the
 * snapped values are exact in binary floating point and the wire (integers
 * = value * scale) carries the world bit-exactly: a client predicting with
 * the same step from the same received state computes the same numbers.
 */
export const POSITION_SCALE = 128; // quanta per unit; 200 u * 128 < 2^16
export const VELOCITY_SCALE = 256; // quanta per u/s; 12 u/s * 256 < 2^15

/** Ticks covering `ms` at `tickHz`, at least one. */
export function ticksFor(ms: number, tickHz: number): number {
  return Math.max(1, Math.round((ms * tickHz) / 1000));
}
