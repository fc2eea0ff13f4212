/** After a stall longer than this (tab in background), drop the backlog instead of bursting it. */
const MAX_BACKLOG_STEPS = 5;

/**
 * Sends one input per simulation tick (the server applies at most two per
 * tick, so a faster client would only queue up latency). A change of intent
 * (a key pressed) may take the next scheduled slot early, so the own player
 * moves on the very next frame; the schedule then continues from that slot,
 * so the long-run rate stays exactly one per tick.
 */
export class InputPacer {
  private readonly stepMs: number;
  private readonly send: () => void;
  /** When the next input is due, in `performance.now()` ms; NaN before the first pump. */
  private nextDueMs = Number.NaN;

  constructor(stepMs: number, send: () => void) {
    this.stepMs = stepMs;
    this.send = send;
  }

  /** Sends every input due by `nowMs`; returns how many were sent. */
  pump(nowMs: number): number {
    if (Number.isNaN(this.nextDueMs) || nowMs - this.nextDueMs > MAX_BACKLOG_STEPS * this.stepMs) {
      this.nextDueMs = nowMs;
    }
    let sent = 0;
    while (nowMs >= this.nextDueMs) {
      this.send();
      this.nextDueMs += this.stepMs;
      sent++;
    }
    return sent;
  }

  /**
   * Sends now, taking the next scheduled slot, unless that slot was already
   * taken early (then the change rides on the next scheduled input).
   */
  sendEarly(nowMs: number): boolean {
    if (Number.isNaN(this.nextDueMs) || this.nextDueMs - nowMs > this.stepMs) return false;
    this.send();
    this.nextDueMs += this.stepMs;
    return true;
  }

  /** Forget the schedule (after a reconnection the next pump starts afresh). */
  reset(): void {
    this.nextDueMs = Number.NaN;
  }
}
