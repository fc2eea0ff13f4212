import { describe, expect, it } from "vitest";
import { formatTable, mean, percentile } from "./stats.ts";

describe("percentile", () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it.each([
    [50, 50], [90, 90], [99, 99], [100, 100], [0, 1], [99.9, 100],
  ])("p%s of 1..100 is %s", (p, expected) => {
    expect(percentile(oneToHundred, p)).toBe(expected);
  });

  it("does not depend on input order and does not mutate it", () => {
    const samples = [5, 1, 4, 2, 3];
    expect(percentile(samples, 50)).toBe(3);
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });

  it("is NaN without samples", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(mean([])).toBeNaN();
  });
});

describe("formatTable", () => {
  it("right-aligns columns under their headers", () => {
    expect(formatTable(["a", "bbb"], [["10", "2"]])).toBe(" a  bbb\n--  ---\n10    2");
  });
});

describe("percentile at the tail", () => {
  const oneToThousand = Array.from({ length: 1_000 }, (_, i) => i + 1);
  it.each([[99.9, 999], [99, 990], [95, 950], [50, 500]])("p%s of 1..1000 is %s", (p, expected) => {
    expect(percentile(oneToThousand, p)).toBe(expected);
  });

  it("p99.9 of fewer than 1000 samples is the maximum", () => {
    expect(percentile([3, 9, 1, 7], 99.9)).toBe(9);
  });
});

describe("formatTable alignment", () => {
  it("left-aligns the columns it is told to, without trailing spaces", () => {
    expect(formatTable(["name", "n"], [["a", "10"], ["bbbbb", "2"]], ["left"])).toBe(
      "name    n\n-----  --\na      10\nbbbbb   2",
    );
  });
});
