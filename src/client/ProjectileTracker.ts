import { POSITION_SCALE, VELOCITY_SCALE } from "../sim/constants.ts";

/** A projectile's spawn data as it arrives on the wire (wire units). */
export interface WireProjectile {
  ownerId: string;
  originX: number;
  originY: number;
  vx: number;
  vy: number;
  spawnTick: number;
}

export interface DrawnProjectile {
  id: string;
  ownerId: string;
  /** Units. */
  x: number;
  y: number;
  /** Units per second, for drawing a trail. */
  vx: number;
  vy: number;
}

/** A projectile's spawn data converted to units (u, u/s), and when the state dropped it. */
interface Tracked extends WireProjectile {
  /** State tick of the patch that no longer held it; Infinity while it is in the state. */
  goneAtTick: number;
}

/**
 * The projectiles this client knows, drawn from their spawn data alone
 * (position at tick T = origin + v * (T - spawnTick) / tickHz). Other
 * entities are drawn in the past (interpolation delay), so a projectile the
 * state has just dropped is kept until the drawn time reaches the drop.
 */
export class ProjectileTracker {
  private readonly tickHz: number;
  private readonly lifetimeTicks: number;
  private readonly byId = new Map<string, Tracked>();

  /** `lifetimeTicks` bounds how long one is drawn even if its removal never arrives (a reconnection's full state). */
  constructor(tickHz: number, lifetimeTicks: number) {
    this.tickHz = tickHz;
    this.lifetimeTicks = lifetimeTicks;
  }

  add(id: string, wire: WireProjectile): void {
    this.byId.set(id, {
      ownerId: wire.ownerId,
      originX: wire.originX / POSITION_SCALE,
      originY: wire.originY / POSITION_SCALE,
      vx: wire.vx / VELOCITY_SCALE,
      vy: wire.vy / VELOCITY_SCALE,
      spawnTick: wire.spawnTick,
      goneAtTick: Number.POSITIVE_INFINITY,
    });
  }

  /** The state dropped it (hit, expired or out of view) by the patch of `stateTick`. */
  remove(id: string, stateTick: number): void {
    const tracked = this.byId.get(id);
    if (tracked !== undefined) tracked.goneAtTick = stateTick;
  }

  clear(): void {
    this.byId.clear();
  }

  /** Projectiles in flight at (fractional) tick `tick`; forgets those gone before it. */
  at(tick: number): DrawnProjectile[] {
    const drawn: DrawnProjectile[] = [];
    for (const [id, p] of this.byId) {
      // It vanished somewhere in the last tick before the patch that dropped it.
      if (tick >= p.goneAtTick - 0.5 || tick > p.spawnTick + this.lifetimeTicks + 1) {
        this.byId.delete(id);
        continue;
      }
      if (tick < p.spawnTick) continue;
      const ageS = (tick - p.spawnTick) / this.tickHz;
      drawn.push({ id, ownerId: p.ownerId, x: p.originX + p.vx * ageS, y: p.originY + p.vy * ageS, vx: p.vx, vy: p.vy });
    }
    return drawn;
  }
}
