import { describe, expect, it } from "vitest";
import { PLAYER_MAX_SPEED_UPS, PLAYER_RADIUS_UNITS } from "./constants.ts";
import { indexLevel, type Level } from "./level.ts";
import { stepPlayerMovement, type MovingBody } from "./movement.ts";

const WALL = { x: 98, y: 98, w: 4, h: 4 };
const level: Level = { widthUnits: 200, heightUnits: 200, obstacles: [WALL], spawnPoints: [{ x: 10, y: 10 }] };
const index = indexLevel(level);

function isInsideWall(b: MovingBody): boolean {
  return b.x > WALL.x && b.x < WALL.x + WALL.w && b.y > WALL.y && b.y < WALL.y + WALL.h;
}

function overlapDepth(b: MovingBody): number {
  const cx = Math.min(Math.max(b.x, WALL.x), WALL.x + WALL.w);
  const cy = Math.min(Math.max(b.y, WALL.y), WALL.y + WALL.h);
  return PLAYER_RADIUS_UNITS - Math.hypot(b.x - cx, b.y - cy);
}

describe("movement", () => {
  it("accelerates towards the input up to the max speed", () => {
    const body = { x: 20, y: 20, vx: 0, vy: 0 };
    for (let i = 0; i < 60; i++) stepPlayerMovement(body, { moveX: 1, moveY: 0 }, 1 / 30, index);
    expect(body.vx).toBeCloseTo(PLAYER_MAX_SPEED_UPS, 2);
    expect(body.vy).toBe(0);
  });

  it("brakes to a stop without input", () => {
    const body = { x: 20, y: 20, vx: PLAYER_MAX_SPEED_UPS, vy: 0 };
    for (let i = 0; i < 30; i++) stepPlayerMovement(body, { moveX: 0, moveY: 0 }, 1 / 30, index);
    expect(body.vx).toBe(0);
  });

  it("stays inside the arena bounds", () => {
    const body = { x: 5, y: 5, vx: 0, vy: 0 };
    for (let i = 0; i < 120; i++) stepPlayerMovement(body, { moveX: -1, moveY: -1 }, 1 / 30, index);
    expect(body.x).toBe(PLAYER_RADIUS_UNITS);
    expect(body.y).toBe(PLAYER_RADIUS_UNITS);
  });

  // Every 10 degrees, at max speed, at the default rate and at 5 Hz where a
  // tick moves 2.4 u: more than the player's diameter and half the wall.
  const cases = [30, 5].flatMap((tickHz) =>
    Array.from({ length: 36 }, (_, i) => ({ tickHz, degrees: i * 10 })));
  it.each(cases)("never tunnels through a wall at $tickHz Hz from $degrees degrees", ({ tickHz, degrees }) => {
    const angle = (degrees * Math.PI) / 180;
    const dirX = Math.cos(angle);
    const dirY = Math.sin(angle);
    // Start 12 u from the wall centre, heading straight at it, already at max speed.
    const body = { x: 100 - dirX * 12, y: 100 - dirY * 12, vx: dirX * PLAYER_MAX_SPEED_UPS, vy: dirY * PLAYER_MAX_SPEED_UPS };
    const startSide = { x: Math.sign(body.x - 100), y: Math.sign(body.y - 100) };
    for (let i = 0; i < tickHz * 3; i++) {
      stepPlayerMovement(body, { moveX: dirX, moveY: dirY }, 1 / tickHz, index);
      expect(isInsideWall(body)).toBe(false);
      // Snapping to the position grid may leave a sliver of overlap, never more.
      expect(overlapDepth(body)).toBeLessThanOrEqual(1 / 128);
    }
    // Having slid along the wall, the body may go round it, but never through:
    // on the axis it approached along it is still on its own side or beside the wall.
    const passedThroughX = startSide.x !== 0 && Math.abs(dirX) > 0.99 && Math.sign(body.x - 100) === -startSide.x;
    const passedThroughY = startSide.y !== 0 && Math.abs(dirY) > 0.99 && Math.sign(body.y - 100) === -startSide.y;
    expect(passedThroughX || passedThroughY).toBe(false);
  });
});
