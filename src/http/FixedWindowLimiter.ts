import type { Presence } from "@colyseus/core";

export type LimitDecision = { isAllowed: true } | { isAllowed: false; retryAfterS: number };

/**
 * Counts events per key in fixed windows, in presence: with Redis every process
 * counts into the same key, so a limit holds for the whole cluster, not once per
 * process. A window's counters expire by themselves. At a window's edge a key may
 * get up to twice its limit within one window's length: a bound, not a schedule.
 */
export class FixedWindowLimiter {
  private readonly presence: () => Presence;
  private readonly name: string;
  private readonly limit: number;
  private readonly windowS: number;
  private readonly nowMs: () => number;

  constructor(options: { presence: () => Presence; name: string; limit: number; windowS: number; nowMs?: () => number }) {
    this.presence = options.presence;
    this.name = options.name;
    this.limit = options.limit;
    this.windowS = options.windowS;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** The presence key counting `key`'s events in the current window (read it to peek without counting). */
  currentKey(key: string): string {
    return this.counterKey(Math.floor(this.nowMs() / 1000 / this.windowS), key);
  }

  /** Counts one event for `key`; refused once the key is past its limit in this window. */
  async take(key: string): Promise<LimitDecision> {
    const nowS = this.nowMs() / 1000;
    const window = Math.floor(nowS / this.windowS);
    const counterKey = this.counterKey(window, key);
    const presence = this.presence();
    const count = await presence.incr(counterKey);
    if (count === 1) presence.expire(counterKey, this.windowS * 2);
    if (count <= this.limit) return { isAllowed: true };
    return { isAllowed: false, retryAfterS: Math.max(1, Math.ceil((window + 1) * this.windowS - nowS)) };
  }

  private counterKey(window: number, key: string): string {
    return `gs:limit:${this.name}:${window}:${key}`;
  }
}
