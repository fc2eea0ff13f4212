/** Nearest-rank percentile of `samples` (p in [0, 100]); NaN for no samples. Does not mutate `samples`. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[nearestRank(p, sorted.length) - 1]!;
}

/**
 * 1-based nearest rank of percentile p among n samples. The epsilon keeps
 * float error from bumping an exact rank up by one: (99.9 / 100) * 1000 is
 * 999.0000000000001 in binary floating point, and p99.9 of 1..1000 is 999.
 */
export function nearestRank(p: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil((p / 100) * n - 1e-9)));
}
