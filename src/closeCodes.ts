/**
 * The one catalogue of WebSocket close codes a client of this server can see.
 * 4000-4010 are Colyseus' own; 4100+ are this server's. Clients should treat
 * only the codes marked "reconnect" as transient.
 */
export const CLOSE_CODES = {
  /** The client asked to leave. */
  CONSENTED: 4000,
  /** The process is shutting down; rejoin through matchmaking. */
  SERVER_SHUTDOWN: 4001,
  /**
   * The client sent a message that failed validation, an unknown message type or frame, bytes
   * that do not decode, or more than MAX_MESSAGES_PER_SECOND messages in a second (Colyseus'
   * flood check shares this code).
   */
  INVALID_MESSAGE: 4002,
  /** A reconnection was attempted after the seat expired. */
  FAILED_TO_RECONNECT: 4003,
  /** Transient: the SDK reconnects by itself. */
  MAY_TRY_RECONNECT: 4010,
  /** The room's simulation kept failing and the room was closed; rejoin through matchmaking. */
  ROOM_FAILED: 4100,
  /** An operator closed the room from the monitoring panel. */
  ROOM_CLOSED_BY_OPERATOR: 4101,
  /** An operator removed this client from the monitoring panel. */
  KICKED_BY_OPERATOR: 4102,
  /** The client did not read its socket: its unsent data passed MAX_CLIENT_BUFFER_BYTES. */
  SLOW_CLIENT: 4103,
  /**
   * A newer session with the same player id (join token `sub`) joined, in this room or any
   * other on any process: one session per player. Not transient: no seat is held, and a client
   * must not rejoin by itself, since its join would replace the newer session in turn.
   */
  SESSION_REPLACED: 4104,
} as const;

/** Matchmaking (HTTP) error codes this server raises on purpose. */
export const ERROR_CODES = {
  /** Join options that cannot be used (e.g. an unknown `mode`); Colyseus' MATCHMAKE_INVALID_CRITERIA. */
  INVALID_JOIN_OPTIONS: 521,
  /** JOIN_SECRET is set and the join token is missing, forged or expired; Colyseus' AUTH_FAILED. */
  AUTH_FAILED: 525,
  /** Every process is at MAX_ROOMS_PER_PROCESS or MAX_CLIENTS_PER_PROCESS (or draining). */
  SERVER_FULL: 503,
  /** Redis is down: matchmaking cannot read or write the shared listings. */
  MATCHMAKING_UNAVAILABLE: 503,
  /** A matchmaking request got no answer within its deadline (10 s, or 5 x REDIS_COMMAND_TIMEOUT_MS if longer): a busy cluster or a slow Redis. */
  MATCHMAKING_TIMED_OUT: 503,
  /**
   * One client address made more matchmaking requests (MAX_JOINS_PER_ADDRESS_PER_MIN) or caused
   * more room creations (MAX_ROOMS_PER_ADDRESS_PER_MIN) than allowed; the message says when to retry.
   */
  RATE_LIMITED: 429,
  /** A request body over its route's limit (4 KiB for matchmaking, 16 KiB elsewhere); sent by the HTTP gate. */
  BODY_TOO_LARGE: 413,
} as const;
