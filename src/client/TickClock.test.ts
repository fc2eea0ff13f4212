import { describe, expect, it } from "vitest";
import { nextRandom } from "../sim/rng.ts";
import { TickClock } from "./TickClock.ts";

describe("TickClock", () => {
  it("learns the tick <-> server time mapping through patch jitter", () => {
    const clock = new TickClock(30);
    const startMs = 1234;
    const rng = { rngState: 7 };
    // 20 Hz patches of a 30 Hz simulation: each is encoded up to a tick after the tick it carries.
    for (let patch = 0; patch < 200; patch++) {
      const serverMs = startMs + patch * 50;
      const tick = Math.floor((serverMs - startMs) / clock.stepMs);
      clock.observe(tick, serverMs + nextRandom(rng) * 2);
    }
    const serverMs = startMs + 200 * 50;
    const exact = (serverMs - startMs) / clock.stepMs;
    // Patches trail their tick by half a tick on average: within one tick of exact.
    expect(Math.abs(clock.tickAt(serverMs) - exact)).toBeLessThan(1);
  });

  it("adopts a discontinuity instead of drifting towards it", () => {
    const clock = new TickClock(30);
    expect(clock.isSynced).toBe(false);
    clock.observe(100, 100 * clock.stepMs);
    expect(clock.tickAt(100 * clock.stepMs)).toBeCloseTo(100);
    clock.observe(100, 100 * clock.stepMs + 10_000); // e.g. a long stall
    expect(clock.tickAt(100 * clock.stepMs + 10_000)).toBeCloseTo(100);
  });
});
