import { describe, expect, it } from "vitest";
import { POSITION_SCALE, VELOCITY_SCALE } from "../sim/constants.ts";
import { ARENA_LEVEL, indexLevel } from "../sim/level.ts";
import { stepPlayerMovement } from "../sim/movement.ts";
import { nextRandom } from "../sim/rng.ts";
import { stepWireBody } from "./wireMovement.ts";

const level = indexLevel(ARENA_LEVEL);

describe("stepWireBody (the own player's predicted step)", () => {
  it.each([30, 20, 60])("matches the server's step bit for bit over a random walk into walls at %i Hz", (tickHz) => {
    // Start next to the L-shaped cover at (40, 40) and wander into it and around.
    const sim = { x: 38, y: 38, vx: 0, vy: 0 };
    const wire = { x: sim.x * POSITION_SCALE, y: sim.y * POSITION_SCALE, vx: 0, vy: 0 };
    const script = { rngState: tickHz };
    for (let i = 0; i < 600; i++) {
      const intent = { moveX: Math.round(nextRandom(script) * 2 - 1), moveY: Math.round(nextRandom(script) * 2 - 1) };
      stepPlayerMovement(sim, intent, 1 / tickHz, level);
      stepWireBody(wire, intent, 1 / tickHz, level);
      expect(wire).toEqual({ x: sim.x * POSITION_SCALE, y: sim.y * POSITION_SCALE, vx: sim.vx * VELOCITY_SCALE, vy: sim.vy * VELOCITY_SCALE });
      expect(Number.isInteger(wire.x) && Number.isInteger(wire.y) && Number.isInteger(wire.vx) && Number.isInteger(wire.vy)).toBe(true);
    }
  });
});
