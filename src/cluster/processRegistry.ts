import { matchMaker, ServerError, type Presence } from "@colyseus/core";
import type { Logger } from "pino";
import { chooseProcess, loadScore, type ProcessRecord } from "./placement.ts";
import type { ProcessLoad } from "./processLoad.ts";

const PROCESSES_KEY = "gs:processes";
/** Game rooms per process, incremented by whoever places a room there and decremented by its owner on dispose. */
const PLACED_ROOMS_KEY = "gs:placed-rooms";
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
  /** Room types counted for placement (game rooms; a lobby costs nothing). */
  gameRoomTypes: ReadonlySet<string>;
  maxRoomsPerProcess: number;
  maxClientsPerProcess: number;
  /** Locks (true) or unlocks this process's game rooms, so matchmaking stops or resumes sending players here. */
  setGameRoomsLocked: (isLocked: boolean) => Promise<void>;
  /** Whether presence can be used right now (false while Redis is down: writes would only queue). */
  isPresenceUp: () => boolean;
}

/**
 * Every process publishes a record of itself (address, load, draining) and a
 * heartbeat key that expires, through presence. Any process can then place a
 * room on the least loaded live process, and notices a process whose heartbeat
 * expired: it asks Colyseus to health-check it, which removes the listings of
 * a process that does not answer.
 *
 * Room counts for placement live in one presence hash that the placing
 * process increments at once, so a burst of creates from any number of
 * processes sees every earlier placement.
 */
export class ProcessRegistry {
  private readonly options: ProcessRegistryOptions;
  private readonly heartbeatTtlS: number;
  /** This process's placements whose increment has not been acknowledged by presence yet. */
  private readonly inFlight = new Map<string, number>();
  private localGameRooms = 0;
  private isDraining = false;
  private lastBusyPct = 0;
  private lastPlacedCount: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private publishQueued = false;
  private isSweeping = false;
  private areRoomsLockedForCapacity = false;

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

  /** A game room was created or disposed here: publish soon, batching a burst into one write. */
  noteRoomLifecycle(created: boolean): void {
    this.localGameRooms += created ? 1 : -1;
    if (!created && this.options.isPresenceUp()) {
      void Promise.resolve(this.options.presence().hincrby(PLACED_ROOMS_KEY, this.options.processId(), -1)).catch(() => undefined);
    }
    this.noteLoadChanged();
  }

  /** Players joined or left: enforce the client cap and publish soon. */
  noteLoadChanged(): void {
    if (this.publishQueued) return;
    this.publishQueued = true;
    // After the join or leave has been counted by Colyseus.
    setImmediate(() => {
      this.publishQueued = false;
      void this.enforceClientCap().then(() => this.publishNow());
    });
  }

  async setDraining(): Promise<void> {
    this.isDraining = true;
    await this.publishNow();
  }

  get draining(): boolean {
    return this.isDraining;
  }

  private get isFull(): boolean {
    return this.localGameRooms >= this.options.maxRoomsPerProcess || matchMaker.stats.local.ccu >= this.options.maxClientsPerProcess;
  }

  /** At the client cap this process's rooms lock, so joinOrCreate looks elsewhere; below it they reopen. */
  private async enforceClientCap(): Promise<void> {
    const isAtCap = matchMaker.stats.local.ccu >= this.options.maxClientsPerProcess;
    if (isAtCap === this.areRoomsLockedForCapacity || this.isDraining) return;
    this.areRoomsLockedForCapacity = isAtCap;
    await this.options.setGameRoomsLocked(isAtCap);
    this.options.logger.info({ event: isAtCap ? "process_full" : "process_has_room", ccu: matchMaker.stats.local.ccu }, isAtCap
      ? "client cap reached: rooms locked"
      : "below the client cap: rooms open again");
  }

  ownRecord(): ProcessRecord {
    return {
      processId: this.options.processId(),
      address: this.options.address,
      rooms: matchMaker.stats.local.roomCount,
      ccu: matchMaker.stats.local.ccu,
      tickBusyPct: this.lastBusyPct,
      isDraining: this.isDraining,
      isFull: this.isFull,
      updatedAtMs: Date.now(),
    };
  }

  /** This process's placement score (room equivalents). */
  ownLoad(): number {
    const own = this.ownRecord();
    return loadScore({ placedRooms: this.localGameRooms, ccu: own.ccu, tickBusyPct: own.tickBusyPct });
  }

  async publishNow(): Promise<void> {
    if (!this.options.isPresenceUp()) return;
    const presence = this.options.presence();
    const processId = this.options.processId();
    this.lastBusyPct = this.options.load.takeBusyPct();
    try {
      await presence.hset(PROCESSES_KEY, processId, JSON.stringify(this.ownRecord()));
      await presence.setex(aliveKey(processId), "1", this.heartbeatTtlS);
      await this.correctPlacedCount(presence, processId);
    } catch (error) {
      this.options.logger.warn({ event: "process_publish_failed", err: error }, "could not publish process record");
    }
  }

  /**
   * A placement whose room never got created (its onCreate threw), or a room
   * created outside placement, leaves the shared count off. A placement
   * resolves within milliseconds, so a count that differs from the rooms
   * really running here and has not moved for a whole publish interval is
   * drift: fix it by the difference (an increment racing this keeps its +1).
   */
  private async correctPlacedCount(presence: Presence, processId: string): Promise<void> {
    const placed = Number((await presence.hget(PLACED_ROOMS_KEY, processId)) ?? 0);
    if (placed !== this.localGameRooms && placed === this.lastPlacedCount) {
      await presence.hincrby(PLACED_ROOMS_KEY, processId, this.localGameRooms - placed);
      this.lastPlacedCount = undefined;
      return;
    }
    this.lastPlacedCount = placed;
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
  readonly selectProcessIdToCreateRoom = async (roomName: string): Promise<string> => {
    const presence = this.options.presence();
    const [records, counts] = await Promise.all([this.liveRecords(), presence.hgetall(PLACED_ROOMS_KEY)]);
    const placed = new Map(Object.entries(counts ?? {}).map(([id, n]) => [id, Number(n)]));
    const chosen = chooseProcess(records, placed, this.inFlight);
    if (chosen === undefined) {
      if (records.length === 0 && !this.isDraining && !this.isFull) return this.options.processId(); // before the first records land
      throw new ServerError(503, "server full: every game server process is at its room or client limit, or draining");
    }
    if (this.options.gameRoomTypes.has(roomName)) {
      this.inFlight.set(chosen.processId, (this.inFlight.get(chosen.processId) ?? 0) + 1);
      try {
        await presence.hincrby(PLACED_ROOMS_KEY, chosen.processId, 1);
      } finally {
        const left = (this.inFlight.get(chosen.processId) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(chosen.processId);
        else this.inFlight.set(chosen.processId, left);
      }
    }
    return chosen.processId;
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
        await presence.hdel(PLACED_ROOMS_KEY, otherId);
        const record = JSON.parse(json) as ProcessRecord;
        logger.warn({ event: "process_removed", processId: otherId, address: record.address }, "stale process removed");
      }
    } catch (error) {
      logger.warn({ event: "process_sweep_failed", err: error }, "could not sweep stale processes");
    } finally {
      this.isSweeping = false;
    }
  }

  /** Stops publishing and removes this process's record, count and heartbeat. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (!this.options.isPresenceUp()) return;
    const presence = this.options.presence();
    const processId = this.options.processId();
    await presence.hdel(PROCESSES_KEY, processId);
    await presence.hdel(PLACED_ROOMS_KEY, processId);
    presence.del(aliveKey(processId));
  }
}
