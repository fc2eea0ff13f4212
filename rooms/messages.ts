/**
 * The catalogue of messages between an arena room and its clients (besides
 * the state and the per-tick input): each name once, each payload typed once.
 * The room sends through these types, its validators are checked against
 * them, and the browser client and the bots read them. Plain constants and
 * types only: the browser bundle imports this file.
 */

/** Names of the messages a client sends to an arena room. */
export const CLIENT_MESSAGES = {
  RENAME: "rename",
  /** A request (`room.request`): answered {@link DirectMessageDelivered} or rejected with a {@link DirectMessageRefusal}. */
  DIRECT_MESSAGE: "dm",
} as const;

/** Names of the messages an arena room sends to its clients. */
export const SERVER_MESSAGES = {
  KILL: "kill",
  DIRECT_MESSAGE: "dm",
  ANNOUNCEMENT: "announcement",
  FEED: "feed",
  RENAME_REFUSED: "renameRefused",
} as const;

export type ClientMessageName = (typeof CLIENT_MESSAGES)[keyof typeof CLIENT_MESSAGES];
export type ServerMessageName = (typeof SERVER_MESSAGES)[keyof typeof SERVER_MESSAGES];

/** Characters of a direct message's text, after trimming. */
export const DM_TEXT_MAX_CHARS = 200;

/** `rename`: the new display name (1 to PLAYER_NAME_MAX_CHARS characters after trimming, no control characters). */
export interface RenameMessage {
  name: string;
}

/** `dm` request: `to` is the recipient's player id (`playerId` in its state entity), `text` 1 to DM_TEXT_MAX_CHARS characters. */
export interface DirectMessageRequest {
  to: string;
  text: string;
}

/** The `dm` request's answer once a connected client of the recipient has the message. */
export interface DirectMessageDelivered {
  delivered: true;
}

/** Why a `dm` request is rejected: no room holds the recipient, or none acknowledged in time. */
export const DM_NOT_ONLINE = "not online";
export type DirectMessageRefusal = typeof DM_NOT_ONLINE;

/** `kill`, to the killer and the victim only (session ids). */
export interface KillMessage {
  killerId: string;
  victimId: string;
}

/** `dm` from the server: a direct message from a player in any room on any process. */
export interface DirectMessage {
  /** The sender's player id: answer to it. */
  from: string;
  fromName: string;
  text: string;
}

/** `announcement`: an operator's announcement, to every arena client on every process. */
export interface Announcement {
  text: string;
}

/** `feed`: an event shared by every arena; clients ignore kinds they do not know. */
export interface FeedEvent {
  kind: "milestone";
  roomId: string;
  playerName: string;
  score: number;
}

/** `renameRefused`: the name is unchanged (with JOIN_SECRET set, names come from the join token). */
export interface RenameRefused {
  reason: string;
}

/** Payload of each message a client sends, by name. */
export interface ClientMessages {
  [CLIENT_MESSAGES.RENAME]: RenameMessage;
  [CLIENT_MESSAGES.DIRECT_MESSAGE]: DirectMessageRequest;
}

/** Payload of each message the server sends, by name. */
export interface ServerMessages {
  [SERVER_MESSAGES.KILL]: KillMessage;
  [SERVER_MESSAGES.DIRECT_MESSAGE]: DirectMessage;
  [SERVER_MESSAGES.ANNOUNCEMENT]: Announcement;
  [SERVER_MESSAGES.FEED]: FeedEvent;
  [SERVER_MESSAGES.RENAME_REFUSED]: RenameRefused;
}
