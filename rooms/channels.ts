/**
 * Presence channels shared by every process. With Redis they are pub/sub
 * channels, so a publish reaches subscribers on any process; embedded, the
 * same names work in-process.
 */
export const ANNOUNCEMENT_CHANNEL = "gs:announcements";

/** Each connected player listens on its own channel, wherever its room runs. */
export function playerChannel(playerId: string): string {
  return `gs:player:${playerId}`;
}

/** Events a room shares with every room of its type. */
export function roomTypeChannel(roomName: string): string {
  return `gs:room-type:${roomName}`;
}

export interface DirectMessage {
  from: string;
  fromName: string;
  text: string;
}

export interface Announcement {
  text: string;
}

export interface RoomTypeEvent {
  kind: "milestone";
  roomId: string;
  playerName: string;
  score: number;
}
