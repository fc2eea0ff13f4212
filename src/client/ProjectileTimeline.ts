import { Callbacks } from "@colyseus/sdk";
import { PROJECTILE_TTL_MS, ticksFor } from "../sim/constants.ts";
import type { ArenaRoom } from "./joinArena.ts";
import { ProjectileTracker, type DrawnProjectile } from "./ProjectileTracker.ts";
import { TickClock } from "./TickClock.ts";

/**
 * A room's projectiles on the server's clock: follows them as the state adds
 * and drops them, learns the tick clock from the patches, and answers which
 * are in flight at a given server time.
 */
export class ProjectileTimeline {
  private readonly tickClock: TickClock;
  private readonly tracker: ProjectileTracker;
  /** Projectiles the last patch removed; stamped with that patch's tick once it is fully applied. */
  private readonly removed: string[] = [];

  constructor(room: ArenaRoom) {
    const tickHz = room.state.tickHz;
    this.tickClock = new TickClock(tickHz);
    this.tracker = new ProjectileTracker(tickHz, ticksFor(PROJECTILE_TTL_MS, tickHz));
    const callbacks = Callbacks.get(room);
    callbacks.onAdd("projectiles", (projectile, id) => this.tracker.add(id, projectile));
    callbacks.onRemove("projectiles", (_projectile, id) => this.removed.push(id));
    room.onStateChange((state) => {
      this.tickClock.observe(state.tick, room.clock.lastServerTime());
      for (const id of this.removed) this.tracker.remove(id, state.tick);
      this.removed.length = 0;
    });
  }

  /** Projectiles in flight at server time `serverMs` (none until the tick clock has synced). */
  at(serverMs: number): DrawnProjectile[] {
    return this.tickClock.isSynced ? this.tracker.at(this.tickClock.tickAt(serverMs)) : [];
  }
}
