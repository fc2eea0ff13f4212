import { POSITION_SCALE, VELOCITY_SCALE } from "../src/sim/constants.ts";
import type { SimEvent, SimPlayer, SimProjectile } from "../src/sim/world.ts";
import type { InterestManager } from "./interest.ts";
import { releaseRemovedRef } from "./releaseRemovedRef.ts";
import { Player, Projectile, type ArenaState } from "./schema/ArenaState.ts";

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
  wire.killedBy = sim.killedBy;
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

/** Mirrors a tick's projectile events onto the state; kills go to `onKill` (the room announces them). */
export function applyWorldEvents(
  events: readonly SimEvent[],
  state: ArenaState,
  interest: InterestManager,
  onKill: (killerId: string, victimId: string) => void,
): void {
  for (const event of events) {
    if (event.type === "fired") {
      state.projectiles.set(String(event.projectile.id), createWireProjectile(event.projectile));
    } else if (event.type === "projectileRemoved") {
      const key = String(event.projectileId);
      const wire = state.projectiles.get(key);
      if (wire === undefined) continue;
      state.projectiles.delete(key);
      releaseRemovedRef(state.projectiles, wire);
      interest.forgetEntity(wire);
    } else if (event.type === "killed") {
      onKill(event.killerId, event.victimId);
    }
  }
}
