/**
 * The cluster's last 15 minutes, one point per second: seeded from
 * /admin/api/history (again after every reconnection, to fill the gap) and
 * extended by each streamed snapshot.
 */

export const WINDOW_MS = 15 * 60 * 1000;
const MIN_WINDOW_MS = 60 * 1000;

/** @typedef {{ at: number, ccu: number, tickP99Ms: number, bytesOutPerS: number }} HistoryPoint */

/**
 * The history point a streamed `cluster` snapshot stands for; tick p99 is the
 * worst process's, as in /admin/api/history.
 * @param {any} snapshot
 * @returns {HistoryPoint}
 */
export function pointOf(snapshot) {
  const processes = Array.isArray(snapshot.processes) ? snapshot.processes : [];
  let tickP99Ms = 0;
  for (const p of processes) if (typeof p.tickP99Ms === "number" && p.tickP99Ms > tickP99Ms) tickP99Ms = p.tickP99Ms;
  return { at: snapshot.at, ccu: snapshot.totals?.ccu ?? 0, tickP99Ms, bytesOutPerS: snapshot.totals?.bytesOutPerS ?? 0 };
}

export class History {
  constructor() {
    /** @type {HistoryPoint[]} oldest first, at most one per second */
    this.points = [];
  }

  /**
   * Adds points (any order, overlapping what is held); a point replaces one
   * held for the same second. Drops what falls out of the window.
   * @param {readonly HistoryPoint[]} incoming
   */
  merge(incoming) {
    /** @type {Map<number, HistoryPoint>} */
    const bySecond = new Map();
    for (const p of this.points) bySecond.set(Math.floor(p.at / 1000), p);
    for (const p of incoming) if (typeof p?.at === "number") bySecond.set(Math.floor(p.at / 1000), p);
    const sorted = [...bySecond.values()].sort((a, b) => a.at - b.at);
    const newest = sorted.at(-1)?.at ?? 0;
    this.points = sorted.filter((p) => p.at > newest - WINDOW_MS);
  }

  /** @param {HistoryPoint} point */
  append(point) {
    const last = this.points.at(-1);
    if (last !== undefined && Math.floor(point.at / 1000) <= Math.floor(last.at / 1000)) {
      this.merge([point]);
      return;
    }
    this.points.push(point);
    while (this.points.length > 0 && this.points[0].at <= point.at - WINDOW_MS) this.points.shift();
  }

  /** uPlot columns: x in epoch seconds, then one column per figure. */
  columns() {
    return {
      x: this.points.map((p) => p.at / 1000),
      ccu: this.points.map((p) => p.ccu),
      tickP99Ms: this.points.map((p) => p.tickP99Ms),
      bytesOutPerS: this.points.map((p) => p.bytesOutPerS),
    };
  }

  /**
   * The window the charts show, in epoch seconds: the last 15 minutes, or
   * less while less is known (at least a minute), so a young cluster's lines
   * are not squeezed against the right edge.
   */
  window() {
    const oldest = this.points[0]?.at;
    const newest = this.points.at(-1)?.at;
    if (oldest === undefined || newest === undefined) return null;
    const start = Math.min(newest - MIN_WINDOW_MS, Math.max(oldest, newest - WINDOW_MS));
    return /** @type {[number, number]} */ ([start / 1000, newest / 1000]);
  }
}
