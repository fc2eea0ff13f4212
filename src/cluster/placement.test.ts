import { describe, expect, it } from "vitest";
import { chooseProcess, loadScore, PendingPlacements, type ProcessRecord } from "./placement.ts";

function record(processId: string, overrides: Partial<ProcessRecord> = {}): ProcessRecord {
  return {
    processId, address: `127.0.0.1:${processId}`, rooms: 0, ccu: 0, tickBusyPct: 0,
    roomsCreatedTotal: 0, isDraining: false, updatedAtMs: 0, ...overrides,
  };
}

describe("placement", () => {
  it("weighs rooms, clients and tick cost", () => {
    expect(loadScore({ rooms: 2, ccu: 0, tickBusyPct: 0 })).toBe(2);
    expect(loadScore({ rooms: 1, ccu: 16, tickBusyPct: 10 })).toBe(1 + 2 + 2);
  });

  it("picks the least loaded process, and a busy one with few rooms loses to an idle one with more", () => {
    const pending = new PendingPlacements();
    const busy = record("a", { rooms: 1, ccu: 64, tickBusyPct: 40 });
    const idle = record("b", { rooms: 3 });
    expect(chooseProcess([busy, idle], pending, 0)?.processId).toBe("b");
  });

  it("never picks a draining process, and gives none when all drain", () => {
    const pending = new PendingPlacements();
    const draining = record("a", { isDraining: true });
    const loaded = record("b", { rooms: 50 });
    expect(chooseProcess([draining, loaded], pending, 0)?.processId).toBe("b");
    expect(chooseProcess([draining], pending, 0)).toBeUndefined();
  });

  it("spreads a burst evenly although the records do not change during it", () => {
    const pending = new PendingPlacements();
    const records = ["a", "b", "c", "d"].map((id) => record(id));
    const placed = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const chosen = chooseProcess(records, pending, i)!;
      placed.set(chosen.processId, (placed.get(chosen.processId) ?? 0) + 1);
    }
    expect([...placed.values()]).toEqual([10, 10, 10, 10]);
  });

  it("stops counting a placement once the target's record shows the room, or after it expires", () => {
    const pending = new PendingPlacements(1_000);
    const before = record("a", { roomsCreatedTotal: 5 });
    pending.record(before, 0);
    pending.record(before, 0);
    expect(pending.count(before, 10)).toBe(2);
    expect(pending.count(record("a", { roomsCreatedTotal: 6, rooms: 1 }), 10)).toBe(1);
    expect(pending.count(record("a", { roomsCreatedTotal: 7, rooms: 2 }), 10)).toBe(0);
    pending.record(before, 0);
    expect(pending.count(before, 2_000)).toBe(0);
  });
});
