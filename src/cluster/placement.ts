/**
 * Load-aware room placement, as pure functions over the process records every
 * process publishes (see processRegistry.ts). The Colyseus callback in
 * processRegistry.ts feeds them fresh records from presence on every create.
 */

/** What one process publishes about itself, about once a second and on every room create/dispose. */
export interface ProcessRecord {
  processId: string;
  /** host:port or host/path clients use to reach it. */
  address: string;
  rooms: number;
  ccu: number;
  /** Share of one core spent in room ticks and patches over the last second, in %. */
  tickBusyPct: number;
  /** Rooms this process has created since it started; only ever grows. */
  roomsCreatedTotal: number;
  isDraining: boolean;
  /** The process's own clock; only used to show age, never compared across processes. */
  updatedAtMs: number;
}

/**
 * One number per process, in "room equivalents": an empty room costs 1; every
 * 8 clients cost 1 more (their patches and inputs); every 5% of a core spent
 * ticking costs 1 more. Rooms dominate a burst of new, empty rooms; clients
 * and measured tick cost dominate once rooms fill up.
 */
export function loadScore(record: Pick<ProcessRecord, "rooms" | "ccu" | "tickBusyPct">, pendingRooms = 0): number {
  return record.rooms + pendingRooms + record.ccu / 8 + record.tickBusyPct / 5;
}

/**
 * Rooms this selector sent to a process that the process's record does not
 * show yet. Between a placement and the target's next record, a burst would
 * otherwise keep picking the same "least loaded" process.
 */
export class PendingPlacements {
  private readonly byProcess = new Map<string, { expectedCreatedTotal: number; atMs: number }[]>();
  private readonly expiryMs: number;

  constructor(expiryMs = 5_000) {
    this.expiryMs = expiryMs;
  }

  record(target: ProcessRecord, nowMs: number): void {
    const list = this.byProcess.get(target.processId) ?? [];
    list.push({ expectedCreatedTotal: target.roomsCreatedTotal + list.length + 1, atMs: nowMs });
    this.byProcess.set(target.processId, list);
  }

  /** Placements still unconfirmed by `record` (a placement expires if never confirmed, e.g. its create failed). */
  count(record: ProcessRecord, nowMs: number): number {
    const list = this.byProcess.get(record.processId);
    if (list === undefined) return 0;
    const open = list.filter((p) => p.expectedCreatedTotal > record.roomsCreatedTotal && nowMs - p.atMs < this.expiryMs);
    if (open.length === 0) this.byProcess.delete(record.processId);
    else this.byProcess.set(record.processId, open);
    return open.length;
  }
}

/** The least loaded live, non-draining process, or undefined when there is none. */
export function chooseProcess(
  records: readonly ProcessRecord[],
  pending: PendingPlacements,
  nowMs: number,
): ProcessRecord | undefined {
  let best: ProcessRecord | undefined;
  let bestScore = Infinity;
  for (const record of records) {
    if (record.isDraining) continue;
    const score = loadScore(record, pending.count(record, nowMs));
    // Ties go to the lower process id so the choice is deterministic.
    if (score < bestScore || (score === bestScore && best !== undefined && record.processId < best.processId)) {
      best = record;
      bestScore = score;
    }
  }
  if (best !== undefined) pending.record(best, nowMs);
  return best;
}
