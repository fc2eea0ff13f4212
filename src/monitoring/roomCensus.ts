import { matchMaker, RoomInternalState, type Room } from "@colyseus/core";

/** Rooms of one type on this process and the clients in them. */
export interface RoomTypeCount {
  rooms: number;
  clients: number;
}

/**
 * This process's rooms of every registered type (the lobby included, which
 * reports no telemetry of its own), kept from the matchmaker's create and
 * dispose events. Counting from the events, not from the rooms a type happens
 * to have, lets every registered type report 0 when it has none.
 */
export class RoomCensus {
  private readonly roomsByType = new Map<string, Set<Room>>();

  /** Starts counting: call once every room type is defined (rooms created before are not seen). */
  start(): void {
    for (const [roomType, handler] of Object.entries(matchMaker.getAllHandlers())) {
      if (this.roomsByType.has(roomType)) continue;
      const rooms = new Set<Room>();
      this.roomsByType.set(roomType, rooms);
      handler.on("create", (room: Room) => rooms.add(room));
      handler.on("dispose", (room: Room) => rooms.delete(room));
    }
  }

  /** Every registered room type with its rooms and clients here, zeros included. */
  count(): Map<string, RoomTypeCount> {
    const counts = new Map<string, RoomTypeCount>();
    for (const [roomType, rooms] of this.roomsByType) {
      let clients = 0;
      for (const room of rooms) {
        // A room disposed while its creation was still recording its listing announced its
        // dispose before its create: it is dropped here instead of counted forever.
        if (room["_internalState"] === RoomInternalState.DISPOSING) {
          rooms.delete(room);
          continue;
        }
        clients += room.clients.length;
      }
      counts.set(roomType, { rooms: rooms.size, clients });
    }
    return counts;
  }
}
