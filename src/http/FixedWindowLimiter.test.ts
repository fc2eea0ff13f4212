import { LocalPresence } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { FixedWindowLimiter } from "./FixedWindowLimiter.ts";

describe("FixedWindowLimiter", () => {
  it("allows `limit` events per key per window, says when to retry, and starts over in the next window", async () => {
    const presence = new LocalPresence();
    let now = 120_000 + 45_000; // 45 s into a minute window
    const limiter = new FixedWindowLimiter({ presence: () => presence, name: "t", limit: 3, windowS: 60, nowMs: () => now });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.take("a"));
    expect(decisions.slice(0, 3)).toEqual([{ isAllowed: true }, { isAllowed: true }, { isAllowed: true }]);
    expect(decisions[3]).toEqual({ isAllowed: false, retryAfterS: 15 });
    expect(await limiter.take("b")).toEqual({ isAllowed: true });
    expect(await presence.get(limiter.currentKey("a"))).toBe(4);
    now += 15_000;
    expect(await limiter.take("a")).toEqual({ isAllowed: true });
    presence.shutdown();
  });
});
