import { describe, expect, it } from "vitest";
import { nextInt, nextRandom, type RngState } from "../sim/rng.ts";
import { isPlacementFair, leastLoaded, loadScore, Placer, type PlacementStore, type ProcessRecord } from "./placement.ts";

function record(processId: string, overrides: Partial<ProcessRecord> = {}): ProcessRecord {
  return { processId, address: `127.0.0.1:${processId}`, rooms: 0, ccu: 0, tickBusyPct: 0, isDraining: false, isFull: false, updatedAtMs: 0, ...overrides };
}
const none = new Map<string, number>();

describe("placement", () => {
  it("weighs rooms, clients and tick cost", () => {
    expect(loadScore({ placedRooms: 2, ccu: 0, tickBusyPct: 0 })).toBe(2);
    expect(loadScore({ placedRooms: 1, ccu: 16, tickBusyPct: 10 })).toBe(1 + 2 + 2);
  });

  it("picks the least loaded process: a busy one with few rooms loses to an idle one with more", () => {
    const busy = record("a", { ccu: 64, tickBusyPct: 40 });
    const idle = record("b");
    expect(leastLoaded([busy, idle], new Map([["a", 1], ["b", 3]]), none)[0]?.processId).toBe("b");
  });

  it("never picks a draining or full process, and gives none when all are", () => {
    const draining = record("a", { isDraining: true });
    const full = record("c", { isFull: true });
    const loaded = record("b");
    expect(leastLoaded([draining, full, loaded], new Map([["b", 50]]), none).map((r) => r.processId)).toEqual(["b"]);
    expect(leastLoaded([draining, full], none, none)).toEqual([]);
  });

  it("counts its own pending placements, so a burst spreads before any count lands", () => {
    const records = ["a", "b", "c", "d"].map((id) => record(id));
    const pending = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const chosen = leastLoaded(records, none, pending)[0]!;
      pending.set(chosen.processId, (pending.get(chosen.processId) ?? 0) + 1);
    }
    expect([...pending.values()]).toEqual([10, 10, 10, 10]);
  });

  it("offers every process whose score ties for the least, ordered by id", () => {
    // Scores: a 2, b 2, c 2.2, d draining.
    const records = [record("c", { tickBusyPct: 1 }), record("b"), record("a", { ccu: 8 }), record("d", { isDraining: true })];
    expect(leastLoaded(records, new Map([["a", 1], ["b", 2], ["c", 2]]), none).map((r) => r.processId)).toEqual(["a", "b"]);
  });

  it.each([
    ["no concurrent placement landed there", 2, true],
    ["concurrent ones left it within one room of the others", 3, true],
    ["concurrent ones made it a whole room heavier than another", 4, false],
  ])("a placement stands when %s", (_case, countAfter, isFair) => {
    // a: 2 rooms before this one if nobody raced; b and c: 2 each.
    const records = ["a", "b", "c"].map((id) => record(id));
    expect(isPlacementFair(records, new Map([["a", 2], ["b", 2], ["c", 2]]), none, "a", countAfter)).toBe(isFair);
  });

  it("judges a placement against its own pending placements, and not against draining or full processes", () => {
    const records = [record("a"), record("b"), record("c", { isDraining: true }), record("d", { isFull: true })];
    expect(isPlacementFair(records, new Map([["a", 3], ["b", 2]]), new Map([["b", 1]]), "a", 4)).toBe(true);
    expect(isPlacementFair(records, new Map([["a", 3], ["b", 2]]), none, "a", 4)).toBe(false);
  });
});

/**
 * Shared counts behind several placers, as presence keeps them: each placer's
 * requests run in the order it made them, and the scheduler interleaves the
 * placers' requests and delays the replies in a seeded random order.
 */
function sharedStore(records: ProcessRecord[], rng: RngState) {
  const counts = new Map<string, number>();
  const queues: (() => void)[][] = [];
  const storeFor = (placerIndex: number): PlacementStore => {
    const queue: (() => void)[] = (queues[placerIndex] = []);
    const request = <T>(run: () => T) => new Promise<T>((resolve) => queue.push(() => resolve(run())));
    return {
      read: () => request(() => ({ records, placedRooms: new Map(counts) })),
      add: (processId, delta) => request(() => {
        counts.set(processId, (counts.get(processId) ?? 0) + delta);
        return counts.get(processId)!;
      }),
    };
  };
  /** Runs queued requests one at a time until `done` settles. */
  async function run<T>(done: Promise<T>): Promise<T> {
    let isDone = false;
    void done.then(() => (isDone = true));
    while (!isDone) {
      const waiting = queues.filter((q) => q.length > 0);
      if (waiting.length > 0) waiting[nextInt(rng, waiting.length)]!.shift()!();
      // Lets the replies' continuations run (and queue more requests) in a random number of turns.
      for (let turns = nextInt(rng, 3); turns >= 0; turns--) await new Promise((resolve) => setImmediate(resolve));
    }
    return done;
  }
  return { counts, storeFor, run, random: () => nextRandom(rng) };
}

describe("placement under concurrency", () => {
  it("one process placing a burst of 40 at once spreads it exactly, whatever order the replies come in", async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { counts, storeFor, run, random } = sharedStore(["a", "b", "c", "d"].map((id) => record(id)), { rngState: seed });
      const placer = new Placer(storeFor(0), random);
      await run(Promise.all(Array.from({ length: 40 }, () => placer.place(true))));
      expect([...counts.values()], `seed ${seed}`).toEqual([10, 10, 10, 10]);
    }
  });

  it("four processes placing 10 each at the same moment spread the 40 within one room of even", async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { counts, storeFor, run, random } = sharedStore(["a", "b", "c", "d"].map((id) => record(id)), { rngState: seed });
      const placers = [0, 1, 2, 3].map((i) => new Placer(storeFor(i), random));
      const chosen = await run(Promise.all(placers.flatMap((placer) => Array.from({ length: 10 }, () => placer.place(true)))));
      const perProcess = new Map<string, number>();
      for (const { chosen: c } of chosen) perProcess.set(c!.processId, (perProcess.get(c!.processId) ?? 0) + 1);
      // What the placements returned is what the shared counts say: every taken-back increment was undone.
      expect(new Map([...counts].filter(([, n]) => n !== 0)), `seed ${seed}`).toEqual(perProcess);
      for (const count of perProcess.values()) expect(Math.abs(count - 10), `seed ${seed}: ${[...perProcess.values()]}`).toBeLessThanOrEqual(1);
    }
  });
});
