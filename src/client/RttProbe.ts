import type { Room } from "@colyseus/sdk";

/** Samples kept for the debug graph. */
const HISTORY = 120;

/**
 * Measures the round trip with the SDK's ping (answered by the server as
 * soon as it reads it), on a timer. The input acknowledgement's RTT that
 * the SDK also tracks includes the wait for the next tick and patch, so it
 * reads higher than the network's; the debug panel shows both.
 */
export class RttProbe {
  /** Recent ping round trips (ms), oldest first. */
  readonly samples: number[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  start(room: Room, intervalMs: number): void {
    this.stop();
    const probe = () => room.ping((ms) => {
      this.samples.push(ms);
      if (this.samples.length > HISTORY) this.samples.shift();
    });
    probe();
    this.timer = setInterval(probe, intervalMs);
  }

  /** The latest sample, or NaN before the first answer. */
  get lastMs(): number {
    return this.samples.at(-1) ?? Number.NaN;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
