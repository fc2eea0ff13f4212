/**
 * Load-aware room placement, as pure functions over what every process
 * publishes about itself (see processRegistry.ts, which feeds them fresh
 * figures from presence on every room creation).
 */

/** What one process publishes about itself, about once a second and on every room create/dispose. */
export interface ProcessRecord {
  processId: string;
  /** host:port or host/path clients use to reach it. */
  address: string;
  /** Rooms of every type running there. */
  rooms: number;
  ccu: number;
  /** Share of one core spent in room ticks and patches over the last second, in %. */
  tickBusyPct: number;
  isDraining: boolean;
  /** At MAX_ROOMS_PER_PROCESS game rooms or MAX_CLIENTS_PER_PROCESS clients. */
  isFull: boolean;
  /** The process's own clock; only used to show age, never compared across processes. */
  updatedAtMs: number;
}

/** What placement weighs for one process. */
export interface ProcessLoadFigures {
  /** Game rooms placed there, counting placements still being created. */
  placedRooms: number;
  ccu: number;
  tickBusyPct: number;
}

/**
 * One number per process, in "room equivalents": a room costs 1; every 8
 * clients cost 1 more (their patches and inputs); every 5% of a core spent
 * ticking costs 1 more. Rooms dominate a burst of new, empty rooms; clients
 * and measured tick cost dominate once rooms fill up.
 */
export function loadScore(figures: ProcessLoadFigures): number {
  return figures.placedRooms + figures.ccu / 8 + figures.tickBusyPct / 5;
}

/**
 * The least loaded live process that is neither draining nor full, or undefined when there is
 * none. `placedRooms` counts each process's game rooms including placements
 * other processes just made; `inFlight` adds this process's own placements
 * whose count has not reached presence yet.
 */
export function chooseProcess(
  records: readonly ProcessRecord[],
  placedRooms: ReadonlyMap<string, number>,
  inFlight: ReadonlyMap<string, number>,
): ProcessRecord | undefined {
  let best: ProcessRecord | undefined;
  let bestScore = Infinity;
  for (const record of records) {
    if (record.isDraining || record.isFull) continue;
    const score = loadScore({
      placedRooms: (placedRooms.get(record.processId) ?? 0) + (inFlight.get(record.processId) ?? 0),
      ccu: record.ccu,
      tickBusyPct: record.tickBusyPct,
    });
    // Ties go to the lower process id so the choice is deterministic.
    if (score < bestScore || (score === bestScore && best !== undefined && record.processId < best.processId)) {
      best = record;
      bestScore = score;
    }
  }
  return best;
}
