// One percentile for the server (monitoring) and the load tools, so their figures agree.
export { nearestRank, percentile } from "../src/percentile.ts";

export function mean(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((s, v) => s + v, 0) / samples.length;
}

/**
 * Renders rows as an aligned plain-text table with a header rule. Columns are
 * right-aligned (numbers) unless `align` says "left" for that column (labels).
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ("left" | "right")[] = [],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const pad = (cell: string, i: number) => (align[i] === "left" ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!));
  const line = (cells: readonly string[]) => cells.map(pad).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
