import { describe, expect, it } from "vitest";
import { nextPlayers, playersWithinEgress, searchCapacity, type CapacityPlan, type StepOutcome } from "./capacity.ts";

const PLAN: CapacityPlan = { ceilingPlayers: 1000, maxSteps: 6, resolutionPlayers: 10, retries: 1 };

interface FakeOptions {
  /** Players the server holds. */
  limit: number;
  /** From this count on, the generator uses its whole core. */
  generatorLimit?: number;
  /** Counts whose first measurement lands on busy cores and fails. */
  busyOnce?: number[];
}

function fakeServer({ limit, generatorLimit = Number.POSITIVE_INFINITY, busyOnce = [] }: FakeOptions) {
  const measured: number[] = [];
  const busy = new Set(busyOnce);
  const step = (players: number): StepOutcome => {
    measured.push(players);
    const isBusy = busy.delete(players);
    const isGeneratorSaturated = players >= generatorLimit;
    const isPass = players <= limit && !isBusy && !isGeneratorSaturated;
    return {
      players, isPass, isGeneratorSaturated,
      isGeneratorBehind: isGeneratorSaturated,
      isServerCoreFull: players > limit,
      isContended: isBusy,
      updateIntervalP99Ms: isPass ? 55 : 150,
      bytesPerClientPerS: players * 10,
      failure: isPass ? "" : "interval",
    };
  };
  return { measured, step, measure: async (players: number) => step(players) };
}

describe("searchCapacity", () => {
  it("doubles until a failure, then bisects to the resolution", async () => {
    const server = fakeServer({ limit: 330 });
    const capacity = await searchCapacity(server.step(100), PLAN, server.measure);
    expect(server.measured).toEqual([100, 200, 400, 300, 350, 325]);
    expect(capacity).toMatchObject({ players: 325, limitedBy: "interval", isLowerBound: false, failedAt: 350 });
  });

  it("searches down when the first run fails", async () => {
    const server = fakeServer({ limit: 60 });
    const capacity = await searchCapacity(server.step(100), PLAN, server.measure);
    expect(server.measured).toEqual([100, 50, 75, 63, 57]);
    expect(capacity).toMatchObject({ players: 57, limitedBy: "interval", failedAt: 63 });
  });

  it("stops at the ceiling with a lower bound", async () => {
    const server = fakeServer({ limit: 5000 });
    const capacity = await searchCapacity(server.step(100), { ...PLAN, ceilingPlayers: 512 }, server.measure);
    expect(server.measured).toEqual([100, 200, 400, 512]);
    expect(capacity).toMatchObject({ players: 512, limitedBy: "ceiling", isLowerBound: true, failedAt: null });
  });

  it("searches below what the generator cannot serve, and reports a lower bound", async () => {
    const server = fakeServer({ limit: 5000, generatorLimit: 700 });
    const capacity = await searchCapacity(server.step(100), PLAN, server.measure);
    expect(server.measured).toEqual([100, 200, 400, 800, 600, 700, 650]);
    expect(capacity).toMatchObject({ players: 650, limitedBy: "generator", isLowerBound: true, generatorLimitAt: 700, failedAt: null });
  });

  it("measures a failure on busy cores again, without counting it as a step", async () => {
    const server = fakeServer({ limit: 330, busyOnce: [200] });
    const capacity = await searchCapacity(server.step(100), PLAN, server.measure);
    expect(server.measured).toEqual([100, 200, 200, 400, 300, 350, 325]);
    expect(capacity.players).toBe(325);
  });

  it("counts a failure that stays on busy cores once the retries are spent", async () => {
    const server = fakeServer({ limit: 330, busyOnce: [200] });
    const capacity = await searchCapacity(server.step(100), { ...PLAN, retries: 0 }, server.measure);
    expect(capacity).toMatchObject({ players: 188, failedAt: 200, limitedBy: "interval" });
  });

  it("stops within the step budget", async () => {
    const server = fakeServer({ limit: 100_000 });
    const capacity = await searchCapacity(server.step(10), { ...PLAN, maxSteps: 2 }, server.measure);
    expect(server.measured).toEqual([10, 20, 40]);
    expect(capacity).toMatchObject({ players: 40, limitedBy: "steps", isLowerBound: true });
  });
});

describe("playersWithinEgress", () => {
  it("is the largest passing step whose players x bytes per client fit the budget", async () => {
    const server = fakeServer({ limit: 330 });
    const capacity = await searchCapacity(server.step(100), PLAN, server.measure);
    // Steps 100, 200, 300, 325 passed; egress is 10 * players^2 B/s.
    expect(playersWithinEgress(capacity, 10 * 300 * 300)).toBe(300);
    expect(playersWithinEgress(capacity, 10 * 300 * 300 - 1)).toBe(200);
    expect(playersWithinEgress(capacity, 10)).toBe(0);
  });
});

describe("nextPlayers", () => {
  it.each([
    { passed: 100, upper: Infinity, next: 200 },
    { passed: 600, upper: Infinity, next: 1000 },
    { passed: 1000, upper: Infinity, next: undefined },
    { passed: 0, upper: 100, next: 50 },
    { passed: 0, upper: 1, next: undefined },
    { passed: 200, upper: 400, next: 300 },
    { passed: 300, upper: 320, next: undefined },
  ])("after $passed passed below $upper: $next", ({ passed, upper, next }) => {
    expect(nextPlayers(passed, upper, PLAN)).toBe(next);
  });
});
