import { describe, expect, it } from "vitest";
import { RestartPolicy } from "./restartPolicy.ts";

const S = 1_000;

describe("RestartPolicy", () => {
  it("doubles the delay while a worker keeps failing its start, up to 30 s", () => {
    const policy = new RestartPolicy({ maxRestarts: 100, restartWindowMs: 3_600 * S, stableUptimeMs: 40 * S });
    let now = 0;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      // The case: each start waits 10 s for an unreachable Redis and exits.
      now += 11 * S;
      const decision = policy.onDeath(11 * S, now);
      if (decision.action !== "restart") throw new Error("gave up");
      delays.push(decision.delayMs);
      now += decision.delayMs;
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 30, 30, 30].map((s) => s * S));
  });

  it("goes back to the first delay after a run that outlived its start-up", () => {
    const policy = new RestartPolicy({ maxRestarts: 100, restartWindowMs: 60 * S, stableUptimeMs: 40 * S });
    expect(policy.onDeath(1 * S, 1 * S)).toEqual({ action: "restart", delayMs: 1 * S });
    expect(policy.onDeath(1 * S, 3 * S)).toEqual({ action: "restart", delayMs: 2 * S });
    expect(policy.onDeath(600 * S, 604 * S)).toEqual({ action: "restart", delayMs: 1 * S });
    expect(policy.onDeath(1 * S, 606 * S)).toEqual({ action: "restart", delayMs: 2 * S });
  });

  it("gives up when a worker dies after maxRestarts restarts within the window", () => {
    const policy = new RestartPolicy({ maxRestarts: 3, restartWindowMs: 60 * S, stableUptimeMs: 1 * S });
    expect(policy.onDeath(5 * S, 10 * S).action).toBe("restart");
    expect(policy.onDeath(5 * S, 20 * S).action).toBe("restart");
    expect(policy.onDeath(5 * S, 30 * S).action).toBe("restart");
    expect(policy.onDeath(5 * S, 40 * S)).toEqual({ action: "give_up", deaths: 4 });
  });

  it("forgets restarts older than the window", () => {
    const policy = new RestartPolicy({ maxRestarts: 2, restartWindowMs: 60 * S, stableUptimeMs: 1 * S });
    expect(policy.onDeath(5 * S, 0).action).toBe("restart");
    expect(policy.onDeath(5 * S, 30 * S).action).toBe("restart");
    // The first restart is 60 s old: one restart left in the window, so this one is allowed.
    expect(policy.onDeath(5 * S, 60 * S).action).toBe("restart");
    expect(policy.onDeath(5 * S, 61 * S)).toEqual({ action: "give_up", deaths: 3 });
  });

  it("with maxRestarts 0, the first death gives up", () => {
    const policy = new RestartPolicy({ maxRestarts: 0, restartWindowMs: 60 * S, stableUptimeMs: 1 * S });
    expect(policy.onDeath(100 * S, 100 * S)).toEqual({ action: "give_up", deaths: 1 });
  });
});
