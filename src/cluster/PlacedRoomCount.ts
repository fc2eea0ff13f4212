import type { ArenaTelemetry, RoomIdentity } from "../../rooms/settings.ts";
import { quietly } from "../../rooms/channels.ts";
import type { ProcessLoad } from "./ProcessLoad.ts";
import { PLACED_ROOMS_KEY, type ClusterAccess } from "./processKeys.ts";

const CHECK_INTERVAL_MS = 1_000;
/** Checks a shared room count must differ from the rooms running here, neither moving, before it counts as drift. */
const DRIFT_CHECKS = 2;

export interface PlacedRoomCountOptions extends ClusterAccess {
  load: ProcessLoad;
}

/**
 * Keeps this process's entry in the shared game-room counts placement reads
 * (placement.ts): whoever places a room here increments it; this process
 * takes its disposed game rooms off, corrects drift, and removes the entry
 * when it leaves.
 */
export class PlacedRoomCount implements ArenaTelemetry {
  private readonly options: PlacedRoomCountOptions;
  /** Shared and local room counts at the previous check, to tell drift from placements under way. */
  private lastCounts: { placed: number; local: number } | undefined;
  private unchangedChecks = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Set by stop(): rooms closing after it (a drain's last ones) must not write the count back. */
  private isStopped = false;

  constructor(options: PlacedRoomCountOptions) {
    this.options = options;
  }

  start(): void {
    this.timer = setInterval(() => void this.correct(), CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  onRoomDisposed(room: RoomIdentity): void {
    if (this.isStopped || !this.options.load.isGameRoomType(room.roomType) || !this.options.isPresenceUp()) return;
    quietly(this.options.presence().hincrby(PLACED_ROOMS_KEY, this.options.processId(), -1));
  }

  /**
   * A placement whose room never got created (its onCreate threw, or Colyseus
   * created it on the placing process after the request to this one timed
   * out), or a room created outside placement, leaves the shared count off.
   * While a burst is being created the count runs ahead of the rooms running
   * here, and one of the two moves between checks; a difference with neither
   * moving across DRIFT_CHECKS checks is drift: fix it by the difference (an
   * increment racing this keeps its +1).
   */
  private async correct(): Promise<void> {
    if (this.isStopped || !this.options.isPresenceUp()) return;
    const presence = this.options.presence();
    const processId = this.options.processId();
    try {
      const placed = Number((await presence.hget(PLACED_ROOMS_KEY, processId)) ?? 0);
      const local = this.options.load.gameRooms();
      const isUnchanged = this.lastCounts?.placed === placed && this.lastCounts.local === local;
      this.unchangedChecks = isUnchanged ? this.unchangedChecks + 1 : 0;
      this.lastCounts = { placed, local };
      if (placed === local || this.unchangedChecks < DRIFT_CHECKS || this.isStopped) return;
      this.options.logger.info({ event: "placed_count_corrected", placed, rooms: local }, "shared room count corrected");
      await presence.hincrby(PLACED_ROOMS_KEY, processId, local - placed);
      this.lastCounts = undefined;
      this.unchangedChecks = 0;
    } catch (error) {
      this.options.logger.warn({ event: "placed_count_check_failed", err: error }, "could not check the shared room count");
    }
  }

  /** Stops counting and removes this process's entry. */
  async stop(): Promise<void> {
    this.isStopped = true;
    clearInterval(this.timer);
    if (!this.options.isPresenceUp()) return;
    await this.options.presence().hdel(PLACED_ROOMS_KEY, this.options.processId());
  }
}
