/**
 * The bench's scenario settings, in one place so that every mode that
 * measures this server (`npm run bench`, `npm run bench:profile`) loads it
 * the same way.
 */
import type { RunSettings } from "./measure.ts";

export const TICK_HZ = 30;
export const PATCH_HZ = 20;
export const PROBES_PER_RUN = 4;

/** Everything of one measurement but its window, as `npm run bench` runs it (`isQuick`: its CI smoke run). */
export function benchRunSettings(isQuick: boolean, serverCore: number, generatorCore: number): Omit<RunSettings, "measureMs"> {
  return {
    tickHz: TICK_HZ, patchHz: PATCH_HZ, warmupMs: isQuick ? 1_000 : 3_000, probes: PROBES_PER_RUN,
    joinConcurrency: 20, joinTimeoutMs: 15_000, serverCore, generatorCore,
  };
}
