import { describe, expect, it } from "vitest";
import type { IRoomCache, MatchMakerDriver } from "@colyseus/core";
import { pickRoomWithSeats, spreadJoins } from "./spreadJoins.ts";

/** A deterministic random: the given fractions in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

const room = (roomId: string, clients: number, maxClients = 32) => ({ roomId, clients, maxClients, name: "arena", processId: "p", locked: false }) as IRoomCache;

describe("pickRoomWithSeats", () => {
  it("weights each room by its free seats", () => {
    const rooms = [room("a", 31), room("b", 29), room("c", 0)];
    // Weights 1, 3, 32 over a total of 36.
    expect(pickRoomWithSeats(rooms, () => 0)!.roomId).toBe("a");
    expect(pickRoomWithSeats(rooms, () => 1.5 / 36)!.roomId).toBe("b");
    expect(pickRoomWithSeats(rooms, () => 4.5 / 36)!.roomId).toBe("c");
    expect(pickRoomWithSeats(rooms, () => 0.999999)!.roomId).toBe("c");
  });

  it("spreads a burst over the open rooms instead of sending it all to the first", () => {
    const rooms = [room("a", 30), room("b", 30), room("c", 30), room("d", 30)];
    const random = sequence(0.1, 0.3, 0.6, 0.9);
    const picks = Array.from({ length: 8 }, () => pickRoomWithSeats(rooms, random)!.roomId);
    expect(new Set(picks)).toEqual(new Set(["a", "b", "c", "d"]));
  });

  it("gives a room the listing shows full (a leave not yet listed) a seat's weight, and has nothing to pick from none", () => {
    expect(pickRoomWithSeats([room("a", 32), room("b", 32)], () => 0.75)!.roomId).toBe("b");
    expect(pickRoomWithSeats([room("a", 3, Infinity), room("b", 3)], () => 0)!.roomId).toBe("a");
    expect(pickRoomWithSeats([], () => 0)).toBeUndefined();
  });
});

describe("spreadJoins", () => {
  function fakeDriver(rooms: IRoomCache[]) {
    const calls: string[] = [];
    const driver = {
      query: (conditions: Partial<IRoomCache>) => {
        calls.push(`query ${JSON.stringify(conditions)}`);
        return rooms.filter((r) => r.locked === conditions.locked);
      },
      findOne: async (conditions: Partial<IRoomCache>) => {
        calls.push(`findOne ${JSON.stringify(conditions)}`);
        return rooms[0]!;
      },
    } as unknown as MatchMakerDriver;
    return { driver, calls };
  }

  it("picks a room to join among every match, by free seats", async () => {
    const { driver, calls } = fakeDriver([room("first", 31), room("second", 0)]);
    const spread = spreadJoins(driver, () => 0.5);
    expect((await spread.findOne({ locked: false, name: "arena" }))!.roomId).toBe("second");
    expect(calls).toEqual(['query {"locked":false,"name":"arena"}']);
  });

  it("leaves look-ups by room id and sorted queries to the driver", async () => {
    const { driver, calls } = fakeDriver([room("first", 31), room("second", 0)]);
    const spread = spreadJoins(driver, () => 0.5);
    expect((await spread.findOne({ roomId: "first" }))!.roomId).toBe("first");
    expect((await spread.findOne({ locked: false }, { clients: -1 }))!.roomId).toBe("first");
    expect(calls).toEqual(['findOne {"roomId":"first"}', 'findOne {"locked":false}']);
  });

  it("answers undefined when no room matches, so joinOrCreate creates one", async () => {
    const { driver } = fakeDriver([{ ...room("locked", 32), locked: true }]);
    expect(await spreadJoins(driver).findOne({ locked: false })).toBeUndefined();
  });
});
