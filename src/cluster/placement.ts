/**
 * Load-aware room placement, as pure functions over what every process
 * publishes about itself, and the Placer that applies them to the shared
 * counts (processSelector.ts gives it presence, so every room creation sees
 * fresh figures).
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

/** A process's score with `placedRooms` counted there, `pending` added. */
function scoreOf(record: ProcessRecord, placedRooms: number, pending: ReadonlyMap<string, number>): number {
  return loadScore({ placedRooms: placedRooms + (pending.get(record.processId) ?? 0), ccu: record.ccu, tickBusyPct: record.tickBusyPct });
}

/**
 * The least loaded processes that are neither draining nor full (several when
 * their scores tie), ordered by process id. `placedRooms` counts each
 * process's game rooms including placements other processes just made;
 * `pending` adds this process's own placements that the `placedRooms` read
 * did not include.
 */
export function leastLoaded(
  records: readonly ProcessRecord[],
  placedRooms: ReadonlyMap<string, number>,
  pending: ReadonlyMap<string, number>,
): ProcessRecord[] {
  let best: ProcessRecord[] = [];
  let bestScore = Infinity;
  for (const record of records) {
    if (record.isDraining || record.isFull) continue;
    const score = scoreOf(record, placedRooms.get(record.processId) ?? 0, pending);
    if (score < bestScore) {
      best = [record];
      bestScore = score;
    } else if (score === bestScore) {
      best.push(record);
    }
  }
  return best.sort((a, b) => (a.processId < b.processId ? -1 : 1));
}

/**
 * Whether a placement on `chosenId` stands once its increment of the shared
 * count came back as `countAfter` (that count, this placement included).
 * Processes placing at the same moment read the same counts and can all pick
 * the same process; the increment's result shows it. The placement stands
 * unless another candidate is now lighter by a whole room equivalent or more:
 * then the caller takes it back and chooses again, so simultaneous bursts
 * through many processes still spread evenly.
 */
export function isPlacementFair(
  records: readonly ProcessRecord[],
  placedRooms: ReadonlyMap<string, number>,
  pending: ReadonlyMap<string, number>,
  chosenId: string,
  countAfter: number,
): boolean {
  const chosen = records.find((r) => r.processId === chosenId);
  if (chosen === undefined) return true;
  // Its load before this room, as every placement that landed before this one left it.
  const chosenScore = loadScore({ placedRooms: countAfter - 1, ccu: chosen.ccu, tickBusyPct: chosen.tickBusyPct });
  return records.every((other) => other === chosen || other.isDraining || other.isFull
    || scoreOf(other, placedRooms.get(other.processId) ?? 0, pending) > chosenScore - 1);
}

/** Where placement reads the published records and keeps the shared game-room counts (presence, in processSelector.ts). */
export interface PlacementStore {
  /** Every published record and the shared counts, both requested in one synchronous step. */
  read(): Promise<{ records: ProcessRecord[]; placedRooms: ReadonlyMap<string, number> }>;
  /** Adds `delta` to a process's shared count, requested synchronously; resolves with the new count. */
  add(processId: string, delta: number): Promise<number>;
}

/** Choices per room: a placement that lost a race to a concurrent one is taken back and made again. */
const MAX_PLACEMENT_ATTEMPTS = 5;

/**
 * One process's placements. The store must run this process's requests in
 * the order they are made (presence does: one connection), so a read of the
 * counts includes exactly the increments requested before it; the ones
 * requested since are added to it, acknowledged or not. Concurrent
 * placements from other processes show in the count an increment returns:
 * see `isPlacementFair`.
 */
export class Placer {
  private readonly store: PlacementStore;
  private readonly random: () => number;
  /** Net increments this process has requested, per process id, since no placement was open. */
  private readonly sent = new Map<string, number>();
  private openPlacements = 0;

  /** `random` in [0, 1) picks among equally loaded processes, so placers working at the same moment pick apart. */
  constructor(store: PlacementStore, random: () => number = Math.random) {
    this.store = store;
    this.random = random;
  }

  /**
   * The process for a new room, or undefined when every one is draining or
   * full. For a game room (`isCounted`) its shared count is incremented.
   * `records` is what the choice saw (empty before any process published).
   */
  async place(isCounted: boolean): Promise<{ chosen: ProcessRecord | undefined; records: readonly ProcessRecord[] }> {
    this.openPlacements++;
    try {
      for (let attempt = 1; ; attempt++) {
        const sentBefore = new Map(this.sent);
        const { records, placedRooms } = await this.store.read();
        const candidates = leastLoaded(records, placedRooms, this.sentSince(sentBefore));
        const chosen = candidates[Math.floor(this.random() * candidates.length)];
        if (chosen === undefined || !isCounted) return { chosen, records };
        const countAfter = await this.add(chosen.processId, 1);
        if (attempt === MAX_PLACEMENT_ATTEMPTS || isPlacementFair(records, placedRooms, this.sentSince(sentBefore), chosen.processId, countAfter)) {
          return { chosen, records };
        }
        await this.add(chosen.processId, -1);
      }
    } finally {
      // No read is left to correct: later reads include every increment requested so far.
      if (--this.openPlacements === 0) this.sent.clear();
    }
  }

  private add(processId: string, delta: number): Promise<number> {
    this.sent.set(processId, (this.sent.get(processId) ?? 0) + delta);
    return this.store.add(processId, delta);
  }

  private sentSince(before: ReadonlyMap<string, number>): Map<string, number> {
    const missing = new Map<string, number>();
    for (const [processId, total] of this.sent) {
      const delta = total - (before.get(processId) ?? 0);
      if (delta !== 0) missing.set(processId, delta);
    }
    return missing;
  }
}
