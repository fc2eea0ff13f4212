import { describe, expect, it } from "vitest";
import { chooseProcess, loadScore, type ProcessRecord } from "./placement.ts";

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
    expect(chooseProcess([busy, idle], new Map([["a", 1], ["b", 3]]), none)?.processId).toBe("b");
  });

  it("never picks a draining or full process, and gives none when all are", () => {
    const draining = record("a", { isDraining: true });
    const full = record("c", { isFull: true });
    const loaded = record("b");
    expect(chooseProcess([draining, full, loaded], new Map([["b", 50]]), none)?.processId).toBe("b");
    expect(chooseProcess([draining, full], none, none)).toBeUndefined();
  });

  it("counts its own placements in flight, so a burst spreads before any count lands", () => {
    const records = ["a", "b", "c", "d"].map((id) => record(id));
    const inFlight = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const chosen = chooseProcess(records, none, inFlight)!;
      inFlight.set(chosen.processId, (inFlight.get(chosen.processId) ?? 0) + 1);
    }
    expect([...inFlight.values()]).toEqual([10, 10, 10, 10]);
  });
});
