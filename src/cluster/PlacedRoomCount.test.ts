import type { Client, Presence } from "@colyseus/core";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveRooms } from "../../rooms/liveRooms.ts";
import type { ReportedRoom } from "../../rooms/settings.ts";
import { PlacedRoomCount } from "./PlacedRoomCount.ts";
import { PLACED_ROOMS_KEY } from "./processKeys.ts";
import { ProcessLoad } from "./ProcessLoad.ts";

const room = (roomId: string, roomName: string): ReportedRoom =>
  ({ roomId, roomName, clients: [] as Client[], maxClients: 8, locked: false });

/** The shared counts as presence keeps them: one hash of process id -> count. */
function fakePresence() {
  const counts = new Map<string, number>();
  const presence = {
    hget: async (_key: string, field: string) => (counts.has(field) ? String(counts.get(field)) : null),
    hincrby: async (key: string, field: string, delta: number) => {
      expect(key).toBe(PLACED_ROOMS_KEY);
      counts.set(field, (counts.get(field) ?? 0) + delta);
      return counts.get(field)!;
    },
    hdel: async (_key: string, field: string) => counts.delete(field),
  } as unknown as Presence;
  return { counts, presence };
}

function placedCount() {
  const { counts, presence } = fakePresence();
  const liveRooms = new LiveRooms(["arena", "lobby"]);
  const load = new ProcessLoad({ liveRooms, gameRoomTypes: new Set(["arena"]), ccu: () => 0, maxRoomsPerProcess: 10, maxClientsPerProcess: 10 });
  const count = new PlacedRoomCount({ presence: () => presence, processId: () => "p1", load, logger: pino({ level: "silent" }), isPresenceUp: () => true });
  liveRooms.subscribe(count);
  return { counts, liveRooms, count };
}

describe("PlacedRoomCount", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it("takes a disposed game room off the shared count, a lobby never, and nothing once stopped", async () => {
    const { counts, liveRooms, count } = placedCount();
    counts.set("p1", 3);
    liveRooms.add(room("a", "arena"));
    liveRooms.add(room("b", "arena"));
    liveRooms.add(room("l", "lobby"));
    liveRooms.remove("a");
    liveRooms.remove("l");
    await vi.waitFor(() => expect(counts.get("p1")).toBe(2));
    await count.stop();
    liveRooms.remove("b");
    expect(counts.has("p1")).toBe(false);
  });

  it("corrects a count that stays off the rooms running here, but not one a burst is still moving", async () => {
    const { counts, liveRooms, count } = placedCount();
    liveRooms.add(room("a", "arena"));
    counts.set("p1", 4);
    count.start();
    await vi.advanceTimersByTimeAsync(1_000);
    counts.set("p1", 5); // a placement landed: the count moved, no drift yet
    await vi.advanceTimersByTimeAsync(2_000);
    expect(counts.get("p1")).toBe(5);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(counts.get("p1")).toBe(1);
    await count.stop();
  });
});
