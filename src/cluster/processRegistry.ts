import { matchMaker, ServerError, type Presence } from "@colyseus/core";
import type { Logger } from "pino";
import { loadScore, Placer, type ProcessRecord } from "./placement.ts";
import type { ProcessLoad } from "./processLoad.ts";
import { quietly } from "../../rooms/channels.ts";
import { ERROR_CODES } from "../closeCodes.ts";

const PROCESSES_KEY = "gs:processes";
/** Game rooms per process, incremented by whoever places a room there and decremented by its owner on dispose. */
const PLACED_ROOMS_KEY = "gs:placed-rooms";
const aliveKey = (processId: string) => `gs:alive:${processId}`;
/** The channel Colyseus subscribes each process to for remote room creation and health checks (core's getProcessChannel). */
const processChannel = (processId: string) => `p:${processId}`;
const PUBLISH_INTERVAL_MS = 1_000;
/** Periodic publishes a shared room count must differ from the rooms running here, neither moving, before it counts as drift. */
const DRIFT_CHECKS = 2;

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
 * room on the least loaded process, and notices a process that looks gone
 * (see `sweep`): it asks Colyseus to health-check it, which removes the
 * listings of a process that does not answer, and then removes its record.
 * Placement considers every record until then: a missed heartbeat only means
 * "check it", since a process busy for a few seconds is alive.
 *
 * Room counts for placement live in one presence hash that the placing
 * process increments at once, so a burst of creates from any number of
 * processes sees every earlier placement (placement.ts's Placer settles
 * placements made at the same moment).
 */
export class ProcessRegistry {
  private readonly options: ProcessRegistryOptions;
  private readonly heartbeatTtlS: number;
  private readonly placer: Placer;
  private localGameRooms = 0;
  private isDraining = false;
  private isDrainingPublished = false;
  private lastBusyPct = 0;
  /** Shared and local room counts at the previous periodic publish, to tell drift from placements under way. */
  private lastCounts: { placed: number; local: number } | undefined;
  private unchangedChecks = 0;
  private timer: NodeJS.Timeout | undefined;
  private publishQueued = false;
  private isSweeping = false;
  private areRoomsLockedForCapacity = false;
  /** Set by stop(): rooms closing after it (a drain's last ones) must not publish the record back. */
  private isStopped = false;

  constructor(options: ProcessRegistryOptions) {
    this.options = options;
    // Leave room in STALE_PROCESS_S for one sweep interval and Colyseus' 2 s health-check timeout.
    this.heartbeatTtlS = Math.max(2, options.staleProcessS - 3);
    this.placer = new Placer({
      read: async () => {
        const presence = this.options.presence();
        const [all, counts] = await Promise.all([presence.hgetall(PROCESSES_KEY), presence.hgetall(PLACED_ROOMS_KEY)]);
        return {
          records: Object.values(all ?? {}).map((json) => JSON.parse(json) as ProcessRecord),
          placedRooms: new Map(Object.entries(counts ?? {}).map(([id, n]) => [id, Number(n)])),
        };
      },
      add: async (processId, delta) => Number(await this.options.presence().hincrby(PLACED_ROOMS_KEY, processId, delta)),
    });
  }

  start(): void {
    this.timer = setInterval(() => {
      void this.publishNow(true);
      void this.sweep();
    }, PUBLISH_INTERVAL_MS);
    this.timer.unref();
  }

  /** A game room was created or disposed here: publish soon, batching a burst into one write. */
  noteRoomLifecycle(created: boolean): void {
    this.localGameRooms += created ? 1 : -1;
    if (!created && !this.isStopped && this.options.isPresenceUp()) {
      quietly(this.options.presence().hincrby(PLACED_ROOMS_KEY, this.options.processId(), -1));
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
    this.isDrainingPublished = true;
  }

  /** True once the record saying so is published (or presence is down): from then on no placement picks this process. */
  get draining(): boolean {
    return this.isDrainingPublished;
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

  /**
   * Publishes this process's record and heartbeat. The periodic publish
   * (`isPeriodic`) also measures the tick cost, over its whole interval: a
   * window of a few milliseconds (a publish right after a room was created)
   * would turn one tick that the OS paused into a process that looks 80% busy.
   * It also checks the shared room count for drift.
   */
  async publishNow(isPeriodic = false): Promise<void> {
    if (this.isStopped || !this.options.isPresenceUp()) return;
    const presence = this.options.presence();
    const processId = this.options.processId();
    if (isPeriodic) this.lastBusyPct = this.options.load.takeBusyPct();
    try {
      await presence.hset(PROCESSES_KEY, processId, JSON.stringify(this.ownRecord()));
      // The hset went out before a stop() that came meanwhile (same connection, in order); nothing after it may.
      if (this.isStopped) return;
      await presence.setex(aliveKey(processId), "1", this.heartbeatTtlS);
      if (isPeriodic && !this.isStopped) await this.correctPlacedCount(presence, processId);
    } catch (error) {
      this.options.logger.warn({ event: "process_publish_failed", err: error }, "could not publish process record");
    }
  }

  /**
   * A placement whose room never got created (its onCreate threw, or Colyseus
   * created it on the placing process after the request to this one timed
   * out), or a room created outside placement, leaves the shared count off.
   * While a burst is being created the count runs ahead of the rooms running
   * here, and one of the two moves between periodic publishes; a difference
   * with neither moving across DRIFT_CHECKS publish intervals is drift: fix it
   * by the difference (an increment racing this keeps its +1).
   */
  private async correctPlacedCount(presence: Presence, processId: string): Promise<void> {
    const placed = Number((await presence.hget(PLACED_ROOMS_KEY, processId)) ?? 0);
    const local = this.localGameRooms;
    const isUnchanged = this.lastCounts?.placed === placed && this.lastCounts.local === local;
    this.unchangedChecks = isUnchanged ? this.unchangedChecks + 1 : 0;
    this.lastCounts = { placed, local };
    if (placed === local || this.unchangedChecks < DRIFT_CHECKS) return;
    this.options.logger.info({ event: "placed_count_corrected", placed, rooms: local }, "shared room count corrected");
    await presence.hincrby(PLACED_ROOMS_KEY, processId, local - placed);
    this.lastCounts = undefined;
    this.unchangedChecks = 0;
  }

  /**
   * Colyseus' `selectProcessIdToCreateRoom`: the least loaded process that is
   * neither draining nor full, among every published record (a process is
   * dropped only once the sweep found it dead, never for a late heartbeat).
   */
  readonly selectProcessIdToCreateRoom = async (roomName: string): Promise<string> => {
    const { chosen, records } = await this.placer.place(this.options.gameRoomTypes.has(roomName));
    if (chosen !== undefined) return chosen.processId;
    if (records.length === 0 && !this.isDraining && !this.isFull) return this.options.processId(); // before the first records land
    throw new ServerError(ERROR_CODES.SERVER_FULL, "server full: every game server process is at its room or client limit, or draining");
  };

  /**
   * Health-checks the processes that look gone: a crashed process's Colyseus
   * channel leaves Redis at once (its connection closed), a hung one's
   * heartbeat expires. Colyseus removes the listings of those that do not
   * answer, and their records go too; a process that is only busy answers.
   */
  private async sweep(): Promise<void> {
    if (this.isSweeping || !this.options.isPresenceUp()) return;
    this.isSweeping = true;
    const presence = this.options.presence();
    const processId = this.options.processId();
    const { logger } = this.options;
    try {
      const [all, channels] = await Promise.all([presence.hgetall(PROCESSES_KEY), presence.channels(processChannel("*"))]);
      const records = all ?? {};
      const listening = new Set(channels);
      // The channel's name is Colyseus' own: a missing one counts only while this process's shows up.
      const isListeningKnown = listening.has(processChannel(processId));
      const suspects: string[] = [];
      for (const otherId of Object.keys(records)) {
        if (otherId === processId) continue;
        const isListening = !isListeningKnown || listening.has(processChannel(otherId));
        if (!isListening || !(await presence.exists(aliveKey(otherId)))) suspects.push(otherId);
      }
      await Promise.all(suspects.map(async (otherId) => {
        if (await matchMaker.healthCheckProcessId(otherId)) return;
        await presence.hdel(PROCESSES_KEY, otherId);
        await presence.hdel(PLACED_ROOMS_KEY, otherId);
        const record = JSON.parse(records[otherId]!) as ProcessRecord;
        logger.warn({ event: "process_removed", processId: otherId, address: record.address }, "stale process removed");
      }));
    } catch (error) {
      logger.warn({ event: "process_sweep_failed", err: error }, "could not sweep stale processes");
    } finally {
      this.isSweeping = false;
    }
  }

  /** Stops publishing and removes this process's record, count and heartbeat. */
  async stop(): Promise<void> {
    this.isStopped = true;
    clearInterval(this.timer);
    if (!this.options.isPresenceUp()) return;
    const presence = this.options.presence();
    const processId = this.options.processId();
    await presence.hdel(PROCESSES_KEY, processId);
    await presence.hdel(PLACED_ROOMS_KEY, processId);
    presence.del(aliveKey(processId));
  }
}
