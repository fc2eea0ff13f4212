import { describe, expect, it } from "vitest";
import { nextRandom } from "../src/sim/rng.ts";
import { Histogram } from "./histogram.ts";
import { percentile } from "./stats.ts";

describe("Histogram", () => {
  it("is NaN when empty", () => {
    expect(new Histogram().percentile(50)).toBeNaN();
  });

  it.each([50, 95, 99, 99.9, 100])("p%s is within 1% above the exact nearest-rank value", (p) => {
    const rng = { rngState: 12345 };
    // Long-tailed like latencies: mostly 20-60 ms, a few up to seconds.
    const samples = Array.from({ length: 20_000 }, () => {
      const r = nextRandom(rng);
      return r < 0.99 ? 20 + nextRandom(rng) * 40 : 60 + nextRandom(rng) * 3_000;
    });
    const histogram = new Histogram();
    for (const s of samples) histogram.record(s);
    const exact = percentile(samples, p);
    const estimate = histogram.percentile(p);
    expect(estimate).toBeGreaterThanOrEqual(exact * (1 - 1e-9));
    expect(estimate).toBeLessThanOrEqual(exact * 1.01);
  });

  it("merges counts from another histogram or a worker's raw counts", () => {
    const a = new Histogram();
    const b = new Histogram();
    for (let i = 1; i <= 50; i++) a.record(i);
    for (let i = 51; i <= 100; i++) b.record(i);
    const merged = new Histogram();
    merged.merge(a);
    merged.merge(b.counts.slice());
    expect(merged.count).toBe(100);
    expect(merged.percentile(50)).toBeCloseTo(50, -0.3);
    expect(merged.percentile(50)).toBeGreaterThanOrEqual(50);
    expect(merged.percentile(100)).toBeLessThanOrEqual(101);
  });

  it("clamps zero, negative and huge values into its end buckets instead of throwing", () => {
    const h = new Histogram();
    h.record(0);
    h.record(-5);
    h.record(1e9);
    expect(h.count).toBe(3);
    expect(h.percentile(50)).toBeLessThanOrEqual(0.01);
    expect(h.percentile(100)).toBeGreaterThan(100_000);
  });

  it("reset empties it", () => {
    const h = new Histogram();
    h.record(10);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.percentile(50)).toBeNaN();
  });
});
