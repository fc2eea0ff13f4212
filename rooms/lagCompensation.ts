import type { Rewind } from "@colyseus/core";
import { POSITION_SCALE } from "../src/sim/constants.ts";
import type { TargetView } from "../src/sim/world.ts";
import type { Player } from "./schema/ArenaState.ts";

/**
 * How long ago the shooter saw the world it aimed at, from the SDK's render
 * time stamp on its input (server clock, ms); 0 (live) for unstamped inputs.
 */
export function rewindMsOf(renderTime: number, nowMs: number, maxRewindMs: number): number {
  if (renderTime <= 0) return 0;
  return Math.min(maxRewindMs, Math.max(0, nowMs - renderTime));
}

/**
 * The simulation's view of targets as a shooter saw them, answered from the
 * room's rewind buffer (positions recorded at every patch, the states clients
 * actually received).
 */
export function rewindTargetView(rewind: Rewind, wirePlayer: (id: string) => Player | undefined, nowMs: () => number): TargetView {
  return {
    seenPosition(target, rewindMs, out) {
      const wire = wirePlayer(target.id);
      if (rewindMs <= 0 || wire === undefined) {
        out.x = target.x;
        out.y = target.y;
        return out;
      }
      const seen = rewind.at(nowMs() - rewindMs);
      out.x = seen.value(wire, "x") / POSITION_SCALE;
      out.y = seen.value(wire, "y") / POSITION_SCALE;
      return out;
    },
  };
}
