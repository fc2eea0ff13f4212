/**
 * Log-bucketed latency histogram: constant memory whatever the run length,
 * cheap to send between threads (one typed array) and to merge (add the
 * counts). Bucket i covers (MIN * GROWTH^(i-1), MIN * GROWTH^i] ms, so a
 * percentile read from it is at most 1% above the exact sample value.
 */
import { nearestRank } from "./stats.ts";

/** Smallest distinguishable value, ms; anything at or below it lands in bucket 0. */
const MIN_MS = 0.01;
/** Relative width of a bucket: 1% resolution. */
const GROWTH = 1.01;
/** Covers up to MIN_MS * GROWTH^BUCKETS ~ 166 s; slower samples are clamped into the top bucket. */
const HISTOGRAM_BUCKETS = 1_700;
const LOG_GROWTH = Math.log(GROWTH);

export class Histogram {
  readonly counts: Uint32Array;
  count = 0;

  constructor(counts?: Uint32Array) {
    this.counts = counts ?? new Uint32Array(HISTOGRAM_BUCKETS);
    for (const c of this.counts) this.count += c;
  }

  record(valueMs: number): void {
    this.counts[bucketOf(valueMs)]!++;
    this.count++;
  }

  /** Adds another histogram's counts (e.g. one worker's report) into this one. */
  merge(other: Histogram | Uint32Array): void {
    const counts = other instanceof Histogram ? other.counts : other;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c === 0) continue;
      this.counts[i]! += c;
      this.count += c;
    }
  }

  /**
   * Nearest-rank percentile (p in [0, 100]), as the upper edge of the bucket
   * holding that rank; NaN when empty. Same rank rule as stats.ts `percentile`.
   */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = nearestRank(p, this.count);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return upperEdgeOf(i);
    }
    return upperEdgeOf(this.counts.length - 1);
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
  }
}

function bucketOf(valueMs: number): number {
  if (!(valueMs > MIN_MS)) return 0;
  const i = Math.ceil(Math.log(valueMs / MIN_MS) / LOG_GROWTH);
  return Math.min(HISTOGRAM_BUCKETS - 1, i);
}

function upperEdgeOf(bucket: number): number {
  return MIN_MS * GROWTH ** bucket;
}
