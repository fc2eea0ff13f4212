import { LobbyRoom } from "@colyseus/core";
import type { RoomReports } from "./settings.ts";

/**
 * Core's `LobbyRoom`, reporting into this process's record of live rooms like
 * the arena does, so the lobby's rooms and clients are counted with the rest.
 */
export function lobbyRoomType(liveRooms: RoomReports): typeof LobbyRoom {
  return class ReportedLobbyRoom extends LobbyRoom {
    override async onCreate(options: unknown): Promise<void> {
      await super.onCreate(options);
      liveRooms.add(this);
    }

    override onDispose(): void {
      liveRooms.remove(this.roomId);
      super.onDispose();
    }
  };
}
