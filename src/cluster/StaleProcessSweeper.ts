import { matchMaker } from "@colyseus/core";
import type { ProcessRecord } from "./placement.ts";
import { processChannelOf } from "../../rooms/colyseusInternals.ts";
import { aliveKey, PLACED_ROOMS_KEY, PROCESSES_KEY, type ClusterAccess } from "./processKeys.ts";

const SWEEP_INTERVAL_MS = 1_000;

/**
 * Notices a process that looks gone and asks Colyseus to health-check it,
 * which removes the listings of a process that does not answer; then removes
 * its record and count. Placement considers every record until then: a missed
 * heartbeat only means "check it", since a process busy for a few seconds is
 * alive.
 */
export interface StaleProcessSweeperOptions extends ClusterAccess {
  /** A process silent this long is suspect; also how long after an outage no process is judged. */
  staleProcessS: number;
}

export class StaleProcessSweeper {
  private readonly options: StaleProcessSweeperOptions;
  private timer: NodeJS.Timeout | undefined;
  private isSweeping = false;
  /** Since when presence has answered again after an outage (performance.now()); undefined while it does not. */
  private upSinceMs: number | undefined = Number.NEGATIVE_INFINITY;

  constructor(options: StaleProcessSweeperOptions) {
    this.options = options;
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Health-checks the processes that look gone: a crashed process's Colyseus
   * channel leaves Redis at once (its connection closed), a hung one's
   * heartbeat expires. Colyseus removes the listings of those that do not
   * answer, and their records go too; a process that is only busy answers.
   */
  private async sweep(): Promise<void> {
    if (!this.options.isPresenceUp()) {
      this.upSinceMs = undefined;
      return;
    }
    this.upSinceMs ??= performance.now();
    // After an outage (a Redis restart, a Sentinel failover) every heartbeat may have expired and
    // every process is re-subscribing and re-publishing: judge none until they all had the time.
    if (this.isSweeping || performance.now() - this.upSinceMs < this.options.staleProcessS * 1000) return;
    this.isSweeping = true;
    const presence = this.options.presence();
    const processId = this.options.processId();
    const { logger } = this.options;
    try {
      const [all, channels] = await Promise.all([presence.hgetall(PROCESSES_KEY), presence.channels(processChannelOf("*"))]);
      const records = all ?? {};
      const listening = new Set(channels);
      // The channel's name is Colyseus' own: a missing one counts only while this process's shows up.
      const isListeningKnown = listening.has(processChannelOf(processId));
      const suspects: string[] = [];
      for (const otherId of Object.keys(records)) {
        if (otherId === processId) continue;
        const isListening = !isListeningKnown || listening.has(processChannelOf(otherId));
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
}
