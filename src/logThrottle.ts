/**
 * Bounds how many log lines one source can cause: at most `linesPerKeyPerMin`
 * lines per key (a client address, say) per minute; the rest are dropped. So a
 * client sending junk as fast as it can costs a few lines, not one per frame.
 */
export class LogThrottle {
  private readonly linesPerKeyPerMin: number;
  private readonly maxKeys: number;
  private readonly nowMs: () => number;
  private window = -1;
  private readonly counts = new Map<string, number>();

  constructor(linesPerKeyPerMin: number, options: { maxKeys?: number; nowMs?: () => number } = {}) {
    this.linesPerKeyPerMin = linesPerKeyPerMin;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Whether a line for `key` may be written now. */
  admit(key: string): boolean {
    const window = Math.floor(this.nowMs() / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const count = this.counts.get(key);
    // Past maxKeys distinct sources in one minute, new ones are not logged: memory stays bounded.
    if (count === undefined && this.counts.size >= this.maxKeys) return false;
    const next = (count ?? 0) + 1;
    this.counts.set(key, next);
    return next <= this.linesPerKeyPerMin;
  }
}
