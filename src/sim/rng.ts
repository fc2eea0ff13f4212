/**
 * Seeded PRNG (mulberry32). The state is a plain uint32 stored in the world,
 * so a world snapshot includes its randomness and replays identically.
 */
export interface RngState {
  rngState: number;
}

/** Next float in [0, 1); advances `holder.rngState`. */
export function nextRandom(holder: RngState): number {
  let t = (holder.rngState = (holder.rngState + 0x6d2b79f5) >>> 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Next integer in [0, n). */
export function nextInt(holder: RngState, n: number): number {
  return Math.floor(nextRandom(holder) * n);
}
