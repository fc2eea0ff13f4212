import { matchMaker } from "@colyseus/core";
import type { ProcessRecord } from "./placement.ts";
import { aliveKey, PLACED_ROOMS_KEY, processChannel, PROCESSES_KEY, type ClusterAccess } from "./processKeys.ts";

const SWEEP_INTERVAL_MS = 1_000;

/**
 * Notices a process that looks gone and asks Colyseus to health-check it,
 * which removes the listings of a process that does not answer; then removes
 * its record and count. Placement considers every record until then: a missed
 * heartbeat only means "check it", since a process busy for a few seconds is
 * alive.
 */
export class StaleProcessSweeper {
  private readonly options: ClusterAccess;
  private timer: NodeJS.Timeout | undefined;
  private isSweeping = false;

  constructor(options: ClusterAccess) {
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
}
