import type { Client } from "@colyseus/core";
import { describe, expect, it, vi } from "vitest";
import { LiveRooms } from "../../rooms/liveRooms.ts";
import type { ReportedRoom } from "../../rooms/settings.ts";
import { ProcessLoad } from "./ProcessLoad.ts";

const room = (roomId: string, roomName: string): ReportedRoom =>
  ({ roomId, roomName, clients: [] as Client[], maxClients: 8, locked: false });

function loadWith(ccu: number) {
  const liveRooms = new LiveRooms(["arena", "lobby"]);
  const load = new ProcessLoad({ liveRooms, gameRoomTypes: new Set(["arena"]), ccu: () => ccu, maxRoomsPerProcess: 2, maxClientsPerProcess: 10 });
  return { liveRooms, load };
}

describe("ProcessLoad", () => {
  it("is full at the room cap (game rooms only) or the client cap", () => {
    const { liveRooms, load } = loadWith(0);
    liveRooms.add(room("l", "lobby"));
    liveRooms.add(room("a", "arena"));
    expect([load.gameRooms(), load.isFull]).toEqual([1, false]);
    liveRooms.add(room("b", "arena"));
    expect(load.isFull).toBe(true);
    expect(loadWith(10).load.isFull).toBe(true);
    expect(loadWith(9).load.isAtClientCap).toBe(false);
  });

  it("measures tick cost over the window since the last measure and scores rooms, clients and that cost", () => {
    vi.useFakeTimers({ toFake: ["performance"] });
    try {
      const { liveRooms, load } = loadWith(16);
      const report = liveRooms.add(room("a", "arena"));
      load.measureTickBusyPct();
      vi.advanceTimersByTime(20);
      report.recordTick(1_500, 0);
      report.recordPatch(500, 0);
      // 2 ms busy in 20 ms: 10% of a core.
      expect(load.measureTickBusyPct()).toBeCloseTo(10);
      expect(load.tickBusyPct).toBeCloseTo(10);
      expect(load.score()).toBeCloseTo(1 + 16 / 8 + 10 / 5);
      expect(load.measureTickBusyPct()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
