/** After a stall longer than this (tab in background), drop the backlog instead of bursting it. */
const MAX_BACKLOG_STEPS = 5;

/**
 * Sends one input per simulation tick, on the frame clock. A change of
 * intent (a key pressed) is sent at once, between frames, so the own player
 * moves on the very next frame; the schedule then restarts from the last
 * frame, the same way the SDK's reconciler restarts its render interpolation
 * on every input, so the two stay in step and motion stays smooth.
 *
 * An early send can add at most one input per frame on top of the tick rate;
 * the server applies up to two inputs per tick, so that only ever shortens
 * its queue, and holding keys changes nothing.
 */
export class InputPacer {
  private readonly stepMs: number;
  private readonly send: () => void;
  /** When the next input is due, in frame-clock ms; NaN before the first pump. */
  private nextDueMs = Number.NaN;
  private lastPumpMs = Number.NaN;
  private hasSentEarly = false;

  constructor(stepMs: number, send: () => void) {
    this.stepMs = stepMs;
    this.send = send;
  }

  /** Once per frame: sends every input due by `nowMs`; returns how many were sent. */
  pump(nowMs: number): number {
    this.lastPumpMs = nowMs;
    this.hasSentEarly = false;
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

  /** Sends now, between frames; at most once per frame. */
  sendEarly(): boolean {
    if (Number.isNaN(this.lastPumpMs) || this.hasSentEarly) return false;
    this.send();
    this.hasSentEarly = true;
    this.nextDueMs = this.lastPumpMs + this.stepMs;
    return true;
  }

  /** Forget the schedule (after a reconnection the next pump starts afresh). */
  reset(): void {
    this.nextDueMs = Number.NaN;
    this.lastPumpMs = Number.NaN;
    this.hasSentEarly = false;
  }
}
