import { matchMaker } from "@colyseus/core";
import type { ProcessRecord } from "./placement.ts";
import type { ProcessLoad } from "./ProcessLoad.ts";
import { aliveKey, PROCESSES_KEY, type ClusterAccess } from "./processKeys.ts";

const PUBLISH_INTERVAL_MS = 1_000;

export interface ProcessRecordPublisherOptions extends ClusterAccess {
  address: string;
  /** A process silent this long is health-checked by the others (see StaleProcessSweeper.ts). */
  staleProcessS: number;
  load: ProcessLoad;
}

/**
 * Publishes this process's record (address, load, draining, full) and a
 * heartbeat key that expires, through presence: once a second, and whenever
 * its load changes. Placement on every process reads these records.
 */
export class ProcessRecordPublisher {
  private readonly options: ProcessRecordPublisherOptions;
  private readonly heartbeatTtlS: number;
  private timer: NodeJS.Timeout | undefined;
  private isDrainingRequested = false;
  private isDrainingAnnounced = false;
  /** Set by stop(): rooms closing after it (a drain's last ones) must not publish the record back. */
  private isStopped = false;

  constructor(options: ProcessRecordPublisherOptions) {
    this.options = options;
    // Leave room in STALE_PROCESS_S for one sweep interval and Colyseus' 2 s health-check timeout.
    this.heartbeatTtlS = Math.max(2, options.staleProcessS - 3);
  }

  start(): void {
    this.timer = setInterval(() => void this.publishNow(true), PUBLISH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Publishes this process as draining: no placement picks it once that is out. */
  async setDraining(): Promise<void> {
    this.isDrainingRequested = true;
    await this.publishNow();
    this.isDrainingAnnounced = true;
  }

  /** True from the moment the drain begins. */
  get isDraining(): boolean {
    return this.isDrainingRequested;
  }

  /** True once the record saying so is published (or presence is down): from then on no placement picks this process. */
  get isDrainingPublished(): boolean {
    return this.isDrainingAnnounced;
  }

  ownRecord(): ProcessRecord {
    const { load } = this.options;
    return {
      processId: this.options.processId(),
      address: this.options.address,
      rooms: matchMaker.stats.local.roomCount,
      ccu: load.ccu(),
      tickBusyPct: load.tickBusyPct,
      isDraining: this.isDrainingRequested,
      isFull: load.isFull,
      updatedAtMs: Date.now(),
    };
  }

  /**
   * Publishes this process's record and heartbeat. The periodic publish
   * (`isPeriodic`) also measures the tick cost, over its whole interval.
   */
  async publishNow(isPeriodic = false): Promise<void> {
    if (this.isStopped || !this.options.isPresenceUp()) return;
    const presence = this.options.presence();
    const processId = this.options.processId();
    if (isPeriodic) this.options.load.measureTickBusyPct();
    try {
      await presence.hset(PROCESSES_KEY, processId, JSON.stringify(this.ownRecord()));
      // The hset went out before a stop() that came meanwhile (same connection, in order); nothing after it may.
      if (this.isStopped) return;
      await presence.setex(aliveKey(processId), "1", this.heartbeatTtlS);
    } catch (error) {
      this.options.logger.warn({ event: "process_publish_failed", err: error }, "could not publish process record");
    }
  }

  /** Stops publishing and removes this process's record and heartbeat. */
  async stop(): Promise<void> {
    this.isStopped = true;
    clearInterval(this.timer);
    if (!this.options.isPresenceUp()) return;
    const presence = this.options.presence();
    const processId = this.options.processId();
    await presence.hdel(PROCESSES_KEY, processId);
    presence.del(aliveKey(processId));
  }
}
