/** Offset samples further than this from the estimate are a discontinuity (reconnect, stall): adopt them. */
const RESYNC_TICKS = 4;
/** Weight of a new sample: smooths the phase jitter between 20 Hz patches and 30 Hz ticks. */
const SMOOTHING = 0.1;

/**
 * Maps server time (ms since the room started, the clock the SDK's
 * interpolation runs on) to simulation ticks, learned from the (tick, server
 * time) pair every patch carries. Projectiles are functions of the tick, so
 * this lets them be drawn at the same instant as the interpolated players.
 */
export class TickClock {
  readonly stepMs: number;
  /** serverMs - tick * stepMs, smoothed; NaN until the first sample. */
  private offsetMs = Number.NaN;

  constructor(tickHz: number) {
    this.stepMs = 1000 / tickHz;
  }

  get isSynced(): boolean {
    return !Number.isNaN(this.offsetMs);
  }

  /** Records that the state at `tick` was encoded at `serverMs`. */
  observe(tick: number, serverMs: number): void {
    const sample = serverMs - tick * this.stepMs;
    if (Number.isNaN(this.offsetMs) || Math.abs(sample - this.offsetMs) > RESYNC_TICKS * this.stepMs) {
      this.offsetMs = sample;
      return;
    }
    this.offsetMs += (sample - this.offsetMs) * SMOOTHING;
  }

  /** Fractional tick the server was at when its clock read `serverMs`. */
  tickAt(serverMs: number): number {
    return (serverMs - this.offsetMs) / this.stepMs;
  }
}
