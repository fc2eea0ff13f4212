import { matchMaker, ServerError, type Presence } from "@colyseus/core";
import type { Logger } from "pino";
import { chooseProcess, PendingPlacements, type ProcessRecord } from "./placement.ts";
import type { ProcessLoad } from "./processLoad.ts";

const PROCESSES_KEY = "gs:processes";
const aliveKey = (processId: string) => `gs:alive:${processId}`;
const PUBLISH_INTERVAL_MS = 1_000;

export interface ProcessRegistryOptions {
  /** Read lazily: Colyseus sets up presence and the process id after the server is built. */
  presence: () => Presence;
  processId: () => string;
  address: string;
  staleProcessS: number;
  load: ProcessLoad;
  logger: Logger;
  /** Whether presence can be used right now (false while Redis is down: publishing would only queue). */
  isPresenceUp: () => boolean;
}

/**
 * Every process publishes a record of itself (address, load, draining) and a
 * heartbeat key that expires, through presence. Any process can then place a
 * room on the least loaded live process, and notices a process whose heartbeat
 * expired: it asks Colyseus to health-check it, which removes the listings of
 * a process that does not answer.
 */
export class ProcessRegistry {
  private readonly options: ProcessRegistryOptions;
  private readonly pending = new PendingPlacements();
  private readonly heartbeatTtlS: number;
  private roomsCreatedTotal = 0;
  private isDraining = false;
  private timer: NodeJS.Timeout | undefined;
  private publishQueued = false;
  private isSweeping = false;

  constructor(options: ProcessRegistryOptions) {
    this.options = options;
    // Leave room in STALE_PROCESS_S for one sweep interval and Colyseus' 2 s health-check timeout.
    this.heartbeatTtlS = Math.max(2, options.staleProcessS - 3);
  }

  start(): void {
    this.timer = setInterval(() => {
      void this.publishNow();
      void this.sweep();
    }, PUBLISH_INTERVAL_MS);
    this.timer.unref();
  }

  /** A room was created or disposed here: publish soon, batching a burst into one write. */
  noteRoomLifecycle(created: boolean): void {
    if (created) this.roomsCreatedTotal++;
    if (this.publishQueued) return;
    this.publishQueued = true;
    setImmediate(() => {
      this.publishQueued = false;
      void this.publishNow();
    });
  }

  async setDraining(): Promise<void> {
    this.isDraining = true;
    await this.publishNow();
  }

  get draining(): boolean {
    return this.isDraining;
  }

  /** This process's record as published. */
  ownRecord(): ProcessRecord {
    return {
      processId: this.options.processId(),
      address: this.options.address,
      rooms: matchMaker.stats.local.roomCount,
      ccu: matchMaker.stats.local.ccu,
      tickBusyPct: this.lastBusyPct,
      roomsCreatedTotal: this.roomsCreatedTotal,
      isDraining: this.isDraining,
      updatedAtMs: Date.now(),
    };
  }

  private lastBusyPct = 0;

  async publishNow(): Promise<void> {
    if (!this.options.isPresenceUp()) return;
    const presence = this.options.presence();
    const processId = this.options.processId();
    this.lastBusyPct = this.options.load.takeBusyPct();
    try {
      await presence.hset(PROCESSES_KEY, processId, JSON.stringify(this.ownRecord()));
      await presence.setex(aliveKey(processId), "1", this.heartbeatTtlS);
    } catch (error) {
      this.options.logger.warn({ event: "process_publish_failed", err: error }, "could not publish process record");
    }
  }

  /** Records of processes whose heartbeat is alive, this one included. */
  async liveRecords(): Promise<ProcessRecord[]> {
    const presence = this.options.presence();
    const all = await presence.hgetall(PROCESSES_KEY);
    const records = Object.values(all ?? {}).map((json) => JSON.parse(json) as ProcessRecord);
    const alive = await Promise.all(records.map((r) => presence.exists(aliveKey(r.processId))));
    return records.filter((_, i) => alive[i]);
  }

  /** Colyseus' `selectProcessIdToCreateRoom`: the least loaded live process that is not draining. */
  readonly selectProcessIdToCreateRoom = async (): Promise<string> => {
    const chosen = chooseProcess(await this.liveRecords(), this.pending, Date.now());
    if (chosen !== undefined) return chosen.processId;
    if (!this.isDraining) return this.options.processId(); // before the first records land
    throw new ServerError(503, "no game server process can take a new room right now");
  };

  /** Health-checks processes whose heartbeat expired; Colyseus removes the listings of those that do not answer. */
  private async sweep(): Promise<void> {
    if (this.isSweeping || !this.options.isPresenceUp()) return;
    this.isSweeping = true;
    const presence = this.options.presence();
    const processId = this.options.processId();
    const { logger } = this.options;
    try {
      const all = await presence.hgetall(PROCESSES_KEY);
      for (const [otherId, json] of Object.entries(all ?? {})) {
        if (otherId === processId || (await presence.exists(aliveKey(otherId)))) continue;
        const isAlive = await matchMaker.healthCheckProcessId(otherId);
        if (isAlive) continue;
        await presence.hdel(PROCESSES_KEY, otherId);
        const record = JSON.parse(json) as ProcessRecord;
        logger.warn({ event: "process_removed", processId: otherId, address: record.address }, "stale process removed");
      }
    } catch (error) {
      logger.warn({ event: "process_sweep_failed", err: error }, "could not sweep stale processes");
    } finally {
      this.isSweeping = false;
    }
  }

  /** Stops publishing and removes this process's record and heartbeat. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (!this.options.isPresenceUp()) return;
    const presence = this.options.presence();
    const processId = this.options.processId();
    await presence.hdel(PROCESSES_KEY, processId);
    presence.del(aliveKey(processId));
  }
}
