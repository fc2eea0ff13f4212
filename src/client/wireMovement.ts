import { POSITION_SCALE, VELOCITY_SCALE } from "../sim/constants.ts";
import type { LevelIndex } from "../sim/level.ts";
import { stepPlayerMovement, type MoveIntent, type MovingBody } from "../sim/movement.ts";

/**
 * The own player's movement fields as they travel on the wire: positions in
 * 1/POSITION_SCALE u, velocities in 1/VELOCITY_SCALE u/s (integers). The
 * prediction keeps its state in these units so it compares bit for bit with
 * what the server sends.
 */
export interface WireBody {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

const scratch: MovingBody = { x: 0, y: 0, vx: 0, vy: 0 };

/**
 * One server movement step (`stepPlayerMovement`, the function the room runs
 * per input) applied to a body in wire units. Both scales are powers of two
 * and the simulation snaps to them, so the conversions are exact and the
 * result equals the server's to the last bit.
 */
export function stepWireBody(body: WireBody, intent: MoveIntent, dt: number, index: LevelIndex): void {
  scratch.x = body.x / POSITION_SCALE;
  scratch.y = body.y / POSITION_SCALE;
  scratch.vx = body.vx / VELOCITY_SCALE;
  scratch.vy = body.vy / VELOCITY_SCALE;
  stepPlayerMovement(scratch, intent, dt, index);
  body.x = scratch.x * POSITION_SCALE;
  body.y = scratch.y * POSITION_SCALE;
  body.vx = scratch.vx * VELOCITY_SCALE;
  body.vy = scratch.vy * VELOCITY_SCALE;
}
