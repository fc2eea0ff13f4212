import { describe, expect, it } from "vitest";
import { LogThrottle } from "./logThrottle.ts";

describe("LogThrottle", () => {
  it("admits a few lines per key per minute, independently per key, and starts over each minute", () => {
    let now = 0;
    const throttle = new LogThrottle(2, { nowMs: () => now });
    expect([1, 2, 3, 4].map(() => throttle.admit("a"))).toEqual([true, true, false, false]);
    expect(throttle.admit("b")).toBe(true);
    now = 60_000;
    expect(throttle.admit("a")).toBe(true);
  });

  it("stops admitting new keys past maxKeys in one minute", () => {
    const throttle = new LogThrottle(1, { maxKeys: 2, nowMs: () => 0 });
    expect([throttle.admit("a"), throttle.admit("b"), throttle.admit("c")]).toEqual([true, true, false]);
  });
});
