import { describe, expect, it } from "vitest";
import { POSITION_SCALE, VELOCITY_SCALE } from "../sim/constants.ts";
import { ProjectileTracker } from "./ProjectileTracker.ts";

const wire = (originX: number, originY: number, vx: number, vy: number, spawnTick: number) => ({
  ownerId: "p1",
  originX: originX * POSITION_SCALE,
  originY: originY * POSITION_SCALE,
  vx: vx * VELOCITY_SCALE,
  vy: vy * VELOCITY_SCALE,
  spawnTick,
});

describe("ProjectileTracker", () => {
  it("draws a projectile at origin + v * age from its spawn data alone", () => {
    const t = new ProjectileTracker(30, 45);
    t.add("1", wire(10, 20, 60, -30, 100));
    expect(t.at(99.5)).toEqual([]);
    const [p] = t.at(115);
    expect(p).toMatchObject({ id: "1", ownerId: "p1", x: 10 + 60 * 0.5, y: 20 - 30 * 0.5, vx: 60, vy: -30 });
  });

  it("keeps drawing a removed projectile until the drawn time reaches its removal", () => {
    const t = new ProjectileTracker(30, 45);
    t.add("1", wire(0, 0, 60, 0, 100));
    t.remove("1", 110);
    expect(t.at(105)).toHaveLength(1);
    expect(t.at(109.6)).toHaveLength(0);
    expect(t.at(105)).toHaveLength(0); // forgotten
  });

  it("forgets a projectile past its lifetime even if no removal arrives", () => {
    const t = new ProjectileTracker(30, 45);
    t.add("1", wire(0, 0, 60, 0, 100));
    expect(t.at(146)).toHaveLength(1);
    expect(t.at(146.5)).toHaveLength(0);
  });
});
