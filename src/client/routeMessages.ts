import { Callbacks } from "@colyseus/sdk";
import { SERVER_MESSAGES, type ServerMessageName, type ServerMessages } from "../../rooms/messages.ts";
import type { ChatBox } from "./ChatBox.ts";
import type { ArenaRoom } from "./joinArena.ts";
import type { PlayerDirectory } from "./PlayerDirectory.ts";

/** Where the room's messages go. */
export interface MessageSinks {
  players: PlayerDirectory;
  chat: Pick<ChatBox, "showDirect" | "showAnnouncement" | "showInfo" | "showError">;
  /** A kill to show, by session ids. */
  kill(killerId: string, victimId: string): void;
}

/**
 * Subscribes to what the room tells this client besides positions and hands
 * it on: kills (the own ones arrive as a `kill` message; others' come with the
 * victim's state, for victims in view), direct messages, announcements, the
 * feed shared by every arena, and errors; names of players seen go to the
 * directory.
 */
export function routeMessages(room: ArenaRoom, sinks: MessageSinks): void {
  const { players, chat } = sinks;
  const callbacks = Callbacks.get(room);
  const stopWatchingDeaths = new Map<string, () => void>();
  callbacks.onAdd("players", (player, id) => {
    players.remember(id, player);
    stopWatchingDeaths.get(id)?.();
    stopWatchingDeaths.set(id, callbacks.listen(player, "isAlive", (isAlive, wasAlive) => {
      const ownId = room.sessionId;
      if (wasAlive === true && !isAlive && id !== ownId && player.killedBy !== ownId) sinks.kill(player.killedBy, id);
    }, false));
  });
  callbacks.onRemove("players", (_player, id) => {
    stopWatchingDeaths.get(id)?.();
    stopWatchingDeaths.delete(id);
  });
  on(room, SERVER_MESSAGES.KILL, (m) => sinks.kill(m.killerId, m.victimId));
  on(room, SERVER_MESSAGES.DIRECT_MESSAGE, (m) => {
    const sender = { playerId: m.from, name: m.fromName };
    players.rememberSender(sender);
    chat.showDirect(sender, m.text);
  });
  on(room, SERVER_MESSAGES.ANNOUNCEMENT, (m) => chat.showAnnouncement(m.text));
  on(room, SERVER_MESSAGES.FEED, (m) => {
    if (m.kind !== "milestone") return;
    const where = m.roomId === room.roomId ? "" : " in another arena";
    chat.showInfo(`🏆 ${m.playerName} reached ${m.score} points${where}`);
  });
  room.onError((code, message) => chat.showError(`server error ${code}: ${message ?? ""}`));
}

/** `room.onMessage` with the payload typed by the catalogue. */
function on<K extends ServerMessageName>(room: ArenaRoom, name: K, handler: (message: ServerMessages[K]) => void): void {
  room.onMessage<ServerMessages[K]>(name, handler);
}
