/**
 * Presence channels shared by every process. With Redis they are pub/sub
 * channels, so a publish reaches subscribers on any process; embedded, the
 * same names work in-process. Payloads that reach clients as they are
 * published are the message catalogue's own types.
 */
import type { DirectMessage } from "./messages.ts";

export const ANNOUNCEMENT_CHANNEL = "gs:announcements";

/** A presence call whose failure (Redis unreachable) changes nothing for the caller: never an unhandled rejection. */
export function quietly(call: unknown): void {
  Promise.resolve(call).catch(() => undefined);
}

/** Every room holding a session of a player listens on that player's channel for its direct messages ({@link DirectMessageEnvelope}). */
export function playerChannel(playerId: string): string {
  return `gs:player:${playerId}`;
}

/** A request's acknowledgements come back on the sending room's own channel. */
export function replyChannel(roomId: string): string {
  return `gs:reply:${roomId}`;
}

/**
 * Every room holding a session of a signed-in player listens here for that
 * player's newer sessions (a {@link SessionClaim}), wherever they join.
 */
export function playerSessionChannel(playerId: string): string {
  return `gs:player-session:${playerId}`;
}

/** Events a room shares with every room of its type: the catalogue's `feed` events, forwarded to every client. */
export function roomTypeChannel(roomName: string): string {
  return `gs:room-type:${roomName}`;
}

/** What travels on a player's channel: the message, and where to acknowledge it once a client has it. */
export interface DirectMessageEnvelope {
  requestId: string;
  replyTo: string;
  message: DirectMessage;
}

/** Sent on {@link replyChannel} by a room that handed a direct message to a connected client. */
export interface DirectMessageAck {
  requestId: string;
}

/** "Player `playerId`'s current session is `sessionId`": rooms close that player's older sessions. */
export interface SessionClaim {
  sessionId: string;
}
