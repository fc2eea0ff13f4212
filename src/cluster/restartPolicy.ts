/** The first restart delay of a worker that failed to start, doubled on each failure in a row. */
const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 30_000;

export interface RestartPolicyOptions {
  /** Restarts allowed within `restartWindowMs`; a worker that dies once more is in a crash loop. */
  maxRestarts: number;
  restartWindowMs: number;
  /**
   * A worker that ran at least this long had started: its next restart waits only the first delay.
   * It must outlast everything a start can wait for (the Redis wait above all), or a worker that
   * keeps failing its start would look stable and the delay would never grow.
   */
  stableUptimeMs: number;
}

export type RestartDecision =
  | { action: "restart"; delayMs: number }
  /** `deaths`: how many times the worker died within the window, this one included. */
  | { action: "give_up"; deaths: number };

/**
 * When to restart one worker that died, and when to stop trying. Pure: the
 * caller passes the clock. A worker that keeps failing its start is restarted
 * after 1 s, 2 s, 4 s... up to 30 s, so a broken deploy does not spin; one
 * that ran long enough to have started goes back to 1 s. Either way, a worker
 * that dies after `maxRestarts` restarts within the window is a crash loop,
 * which restarting will not fix.
 */
export class RestartPolicy {
  private readonly options: RestartPolicyOptions;
  /** When each restart within the window was decided, oldest first. */
  private readonly restartsAtMs: number[] = [];
  private nextDelayMs = FIRST_RESTART_DELAY_MS;

  constructor(options: RestartPolicyOptions) {
    this.options = options;
  }

  /** The worker died at `nowMs` after running `uptimeMs`: restart it after a delay, or give up. */
  onDeath(uptimeMs: number, nowMs: number): RestartDecision {
    const { maxRestarts, restartWindowMs, stableUptimeMs } = this.options;
    while (this.restartsAtMs.length > 0 && this.restartsAtMs[0]! <= nowMs - restartWindowMs) this.restartsAtMs.shift();
    if (this.restartsAtMs.length >= maxRestarts) return { action: "give_up", deaths: this.restartsAtMs.length + 1 };
    if (uptimeMs >= stableUptimeMs) this.nextDelayMs = FIRST_RESTART_DELAY_MS;
    const delayMs = this.nextDelayMs;
    this.nextDelayMs = Math.min(delayMs * 2, MAX_RESTART_DELAY_MS);
    this.restartsAtMs.push(nowMs);
    return { action: "restart", delayMs };
  }
}
