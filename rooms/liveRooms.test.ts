import type { Client } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { LiveRooms } from "./liveRooms.ts";
import { RoomStats } from "./roomStats.ts";
import type { ReportedRoom, RoomIdentity } from "./settings.ts";

function room(roomId: string, roomName: string, clients = 0, stats?: RoomStats): ReportedRoom {
  return { roomId, roomName, clients: Array.from({ length: clients }, () => ({}) as Client), maxClients: 8, locked: false, stats };
}

describe("LiveRooms", () => {
  it("counts rooms and clients per type, every defined type at 0 when it has none", () => {
    const rooms = new LiveRooms(["arena", "lobby"]);
    expect(rooms.countByType()).toEqual(new Map([["arena", { rooms: 0, clients: 0 }], ["lobby", { rooms: 0, clients: 0 }]]));
    rooms.add(room("a", "arena", 3));
    rooms.add(room("b", "arena", 2));
    rooms.add(room("l", "lobby", 1));
    expect(rooms.countByType()).toEqual(new Map([["arena", { rooms: 2, clients: 5 }], ["lobby", { rooms: 1, clients: 1 }]]));
    expect(rooms.countOf(new Set(["arena"]))).toBe(2);
    rooms.remove("a");
    rooms.remove("never-added");
    expect(rooms.countOf(new Set(["arena"]))).toBe(1);
    expect([...rooms.values()].map((live) => live.roomId)).toEqual(["b", "l"]);
  });

  it("keeps a room's ticks and patches in its stats, adds them to the process's busy time and tells every listener", () => {
    const rooms = new LiveRooms(["arena"]);
    const heard: string[] = [];
    const name = (r: RoomIdentity) => `${r.roomType}/${r.roomId}`;
    rooms.subscribe({
      onRoomCreated: (r) => heard.push(`created ${name(r)}`),
      onTick: (r, micros) => heard.push(`tick ${name(r)} ${micros}`),
      onPatch: (r, micros) => heard.push(`patch ${name(r)} ${micros}`),
      onPlayersChanged: (r) => heard.push(`players ${name(r)}`),
      onRoomDisposed: (r) => heard.push(`disposed ${name(r)}`),
    });
    rooms.subscribe({ onRoomDisposed: () => heard.push("second listener") });
    const stats = new RoomStats();
    const report = rooms.add(room("a", "arena", 0, stats));
    report.recordTick(300, 2);
    report.recordPatch(900, 4);
    report.playersChanged();
    rooms.remove("a");

    expect(heard).toEqual(["created arena/a", "tick arena/a 300", "patch arena/a 900", "players arena/a", "disposed arena/a", "second listener"]);
    expect(stats.history()).toEqual({ simMicros: [300], patchMicros: [900] });
    expect(rooms.busyMicros).toBe(1_200);
  });
});
