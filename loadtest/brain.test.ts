import { afterEach, describe, expect, it, vi } from "vitest";
import { ARENA_HEIGHT_UNITS, ARENA_WIDTH_UNITS } from "../src/sim/constants.ts";
import { CHASE_STOP_UNITS, createMemory, decide, FIRE_RANGE_UNITS, scriptIntents, type BrainView, type Point } from "./brain.ts";

const ORIGIN = { x: 100, y: 100 };

function viewOf(enemies: Point[], self: BrainView["self"] = { ...ORIGIN, isAlive: true }, seed = 1): BrainView {
  return { self, enemies, memory: createMemory(seed) };
}

function at(dx: number, dy: number): Point {
  return { x: ORIGIN.x + dx, y: ORIGIN.y + dy };
}

afterEach(() => vi.restoreAllMocks());

describe("decide", () => {
  it("idles before it sees itself, and while dead", () => {
    const idle = { moveX: 0, moveY: 0, aim: 0, fire: false };
    expect(decide({ self: undefined, enemies: [at(5, 0)], memory: createMemory(1) }, 0)).toEqual(idle);
    expect(decide(viewOf([at(5, 0)], { ...ORIGIN, isAlive: false }), 0)).toEqual(idle);
  });

  it.each([
    ["east", 10, 0, 1, 0, 0],
    ["south (+y)", 0, 10, 0, 1, Math.PI / 2],
    ["west", -10, 0, -1, 0, Math.PI],
    ["north (-y)", 0, -10, 0, -1, (3 * Math.PI) / 2],
    ["south-east", 10, 10, 1, 1, Math.PI / 4],
  ])("chases, aims at and fires on an enemy to the %s", (_name, dx, dy, moveX, moveY, aim) => {
    const intent = decide(viewOf([at(dx, dy)]), 0);
    expect(intent).toMatchObject({ moveX, moveY, fire: true });
    expect(intent.aim).toBeCloseTo(aim, 10);
  });

  it("picks the nearest of several enemies", () => {
    const intent = decide(viewOf([at(20, 0), at(0, 8), at(-30, -30)]), 0);
    expect(intent.aim).toBeCloseTo(Math.PI / 2, 10);
    expect(intent).toMatchObject({ moveX: 0, moveY: 1, fire: true });
  });

  it("holds fire at an enemy beyond projectile range but still closes in", () => {
    const intent = decide(viewOf([at(FIRE_RANGE_UNITS + 1, 0)]), 0);
    expect(intent).toMatchObject({ moveX: 1, moveY: 0, fire: false });
  });

  it("circles an enemy closer than the chase distance, switching sides over time", () => {
    const close = [at(CHASE_STOP_UNITS - 2, 0)];
    const first = decide(viewOf(close), 0);
    expect(first).toMatchObject({ moveX: 0, fire: true });
    expect(Math.abs(first.moveY)).toBe(1);
    expect(first.aim).toBeCloseTo(0, 10);
    const later = decide(viewOf(close), 45);
    expect(later.moveY).toBe(-first.moveY);
  });

  it("wanders without firing when nobody is in view, towards a point inside the arena", () => {
    const view = viewOf([]);
    const intent = decide(view, 0);
    expect(intent.fire).toBe(false);
    const { wanderTarget } = view.memory;
    expect(wanderTarget.x).toBeGreaterThanOrEqual(10);
    expect(wanderTarget.x).toBeLessThanOrEqual(ARENA_WIDTH_UNITS - 10);
    expect(wanderTarget.y).toBeGreaterThanOrEqual(10);
    expect(wanderTarget.y).toBeLessThanOrEqual(ARENA_HEIGHT_UNITS - 10);
    const dx = wanderTarget.x - ORIGIN.x;
    const dy = wanderTarget.y - ORIGIN.y;
    expect(intent.aim).toBeCloseTo((Math.atan2(dy, dx) + 2 * Math.PI) % (2 * Math.PI), 10);
    expect(Math.sign(intent.moveX) === Math.sign(dx) || intent.moveX === 0).toBe(true);
    expect(Math.sign(intent.moveY) === Math.sign(dy) || intent.moveY === 0).toBe(true);
  });

  it("keeps its wander target until it arrives or the leg times out", () => {
    const view = viewOf([]);
    decide(view, 0);
    const target = { ...view.memory.wanderTarget };
    const until = view.memory.wanderUntilTick;
    decide(view, 1);
    expect(view.memory.wanderTarget).toEqual(target);
    decide(view, until);
    expect(view.memory.wanderTarget).not.toEqual(target);

    const arrived = viewOf([]);
    decide(arrived, 0);
    const reached = { ...arrived.memory.wanderTarget };
    decide({ ...arrived, self: { ...reached, isAlive: true } }, 1);
    expect(arrived.memory.wanderTarget).not.toEqual(reached);
  });

  it("is deterministic for a seed, differs across seeds, and never uses Math.random or the clock", () => {
    const random = vi.spyOn(Math, "random");
    const now = vi.spyOn(Date, "now");
    const run = (seed: number) => {
      const view = viewOf([], undefined, seed);
      view.self = { ...ORIGIN, isAlive: true };
      return Array.from({ length: 400 }, (_, tick) => decide(view, tick));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(random).not.toHaveBeenCalled();
    expect(now).not.toHaveBeenCalled();
  });
});

describe("scriptIntents", () => {
  it("builds a deterministic loop of valid intents from a seed", () => {
    const script = scriptIntents(42, 300);
    expect(script).toHaveLength(300);
    expect(scriptIntents(42, 300)).toEqual(script);
    expect(scriptIntents(43, 300)).not.toEqual(script);
    for (const intent of script) {
      expect([-1, 0, 1]).toContain(intent.moveX);
      expect([-1, 0, 1]).toContain(intent.moveY);
      expect(intent.aim).toBeGreaterThanOrEqual(0);
      expect(intent.aim).toBeLessThan(2 * Math.PI);
    }
    const fired = script.filter((i) => i.fire).length;
    expect(fired).toBeGreaterThan(0);
    expect(fired).toBeLessThan(script.length / 2);
  });
});
