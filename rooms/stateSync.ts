import { POSITION_SCALE, VELOCITY_SCALE } from "../src/sim/constants.ts";
import type { SimPlayer, SimProjectile } from "../src/sim/world.ts";
import { Player, Projectile } from "./schema/ArenaState.ts";

/** Copies a simulated player onto its wire entity. The sim is snapped to the wire grids, so these are exact integers. */
export function writePlayer(wire: Player, sim: SimPlayer): void {
  // Schema setters ignore unchanged values, so only real changes reach the patch.
  wire.x = sim.x * POSITION_SCALE;
  wire.y = sim.y * POSITION_SCALE;
  wire.vx = sim.vx * VELOCITY_SCALE;
  wire.vy = sim.vy * VELOCITY_SCALE;
  wire.aim = sim.aim;
  wire.hp = sim.hp;
  wire.score = sim.score;
  wire.isAlive = sim.isAlive;
}

export function createWirePlayer(sim: SimPlayer, playerId: string): Player {
  const wire = new Player({ name: sim.name, playerId });
  writePlayer(wire, sim);
  return wire;
}

export function createWireProjectile(sim: SimProjectile): Projectile {
  return new Projectile({
    ownerId: sim.ownerId,
    originX: sim.originX * POSITION_SCALE,
    originY: sim.originY * POSITION_SCALE,
    vx: sim.vx * VELOCITY_SCALE,
    vy: sim.vy * VELOCITY_SCALE,
    spawnTick: sim.spawnTick,
  });
}
