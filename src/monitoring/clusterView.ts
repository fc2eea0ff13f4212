import type { ProcessSnapshot, RoomSummary } from "./processSnapshot.ts";

/** A process is stale once it has missed about three snapshots, and forgotten after this long. */
export const STALE_AFTER_MS = 3_000;
export const FORGET_AFTER_MS = 30_000;
const HISTORY_POINTS = 15 * 60;

export interface ProcessView extends Omit<ProcessSnapshot, "rooms" | "roomCount"> {
  rooms: number;
  stale: boolean;
  /** Since this process's last snapshot arrived, by the clock of the process serving the view. */
  ageMs: number;
}

export interface ClusterViewJson {
  at: number;
  totals: { processes: number; ccu: number; rooms: number; bytesOutPerS: number };
  processes: ProcessView[];
  rooms: RoomSummary[];
}

export interface HistoryPoint {
  at: number;
  ccu: number;
  tickP99Ms: number;
  bytesOutPerS: number;
}

/**
 * The whole cluster as seen from one process: the latest snapshot of every
 * process (received over presence), which are stale, and 15 minutes of
 * totals. Ages use only this process's clock, so clock skew between machines
 * cannot make a live process look stale.
 */
export class ClusterView {
  private readonly latest = new Map<string, { snapshot: ProcessSnapshot; receivedAtMs: number }>();
  private readonly points: HistoryPoint[] = [];

  receive(snapshot: ProcessSnapshot, nowMs: number): void {
    this.latest.set(snapshot.processId, { snapshot, receivedAtMs: nowMs });
  }

  toJSON(nowMs: number): ClusterViewJson {
    const processes: ProcessView[] = [];
    const rooms: RoomSummary[] = [];
    const totals = { processes: 0, ccu: 0, rooms: 0, bytesOutPerS: 0 };
    for (const [processId, { snapshot, receivedAtMs }] of this.latest) {
      const ageMs = nowMs - receivedAtMs;
      if (ageMs > FORGET_AFTER_MS) {
        this.latest.delete(processId);
        continue;
      }
      const stale = ageMs > STALE_AFTER_MS;
      const { rooms: processRooms, roomCount, ...rest } = snapshot;
      processes.push({ ...rest, rooms: roomCount, stale, ageMs });
      if (stale) continue;
      rooms.push(...processRooms);
      totals.processes++;
      totals.ccu += snapshot.ccu;
      totals.rooms += roomCount;
      totals.bytesOutPerS += snapshot.bytesOutPerS;
    }
    processes.sort((a, b) => a.address.localeCompare(b.address));
    return { at: nowMs, totals, processes, rooms };
  }

  /** Appends one point of cluster totals (called once a second). */
  recordHistory(nowMs: number): void {
    const view = this.toJSON(nowMs);
    const tickP99Ms = Math.max(0, ...view.processes.filter((p) => !p.stale).map((p) => p.tickP99Ms));
    this.points.push({ at: nowMs, ccu: view.totals.ccu, tickP99Ms, bytesOutPerS: view.totals.bytesOutPerS });
    if (this.points.length > HISTORY_POINTS) this.points.shift();
  }

  history(): HistoryPoint[] {
    return [...this.points];
  }
}
