/**
 * What the harness and its load generator say to each other: the job (argv
 * of the generator process) and the JSON lines the generator prints.
 */

/** How a contender's clients speak: the Colyseus SDK, JSON text over ws, Engine.IO/Socket.IO, or raw binary frames. */
export type ClientProtocol = "colyseus" | "json-ws" | "socket-io" | "raw-ws";

export interface GeneratorJob {
  protocol: ClientProtocol;
  /** ws://127.0.0.1:PORT (the SDK and Socket.IO derive their HTTP URLs from it). */
  url: string;
  /** Colyseus room type to join. */
  roomName: string;
  /** Colyseus join option: rooms are shared within a mode. */
  mode: string | undefined;
  players: number;
  /** How many of the players fully decode state (the rest count bytes only). */
  probes: number;
  tickHz: number;
  /** Time from the last join to the measured window. */
  warmupMs: number;
  measureMs: number;
  /** Joins in flight at once. */
  joinConcurrency: number;
  joinTimeoutMs: number;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

export interface GeneratorResult {
  /** Clients still connected at the end of the window. */
  connected: number;
  measuredMs: number;
  /** Clients whose received bytes are counted (probes using a library client are not). */
  byteCounters: number;
  /** WebSocket payload plus frame header, received by the counting clients. */
  bytesDown: number;
  /** The same, for state updates only and without frame headers: a contender's average update size. */
  statePayloadBytes: number;
  stateUpdatesOfCounters: number;
  /** State updates received by every client. */
  stateUpdates: number;
  /** Gap between consecutive state updates at one client, ms. */
  updateIntervalMs: Percentiles | null;
  /** Input sent -> first update acknowledging it, ms; null when the protocol has no ack. */
  rttMs: Percentiles | null;
  /** Players plus projectiles a probe holds after decoding an update, averaged; null without probes. */
  entitiesPerUpdate: number | null;
  /** How late the generator's 30 Hz input loop ran, ms: its own saturation signal. */
  inputLoopLagMs: Percentiles;
  disconnects: number;
  errors: string[];
}

export type GeneratorMessage =
  | { type: "joined"; joined: number; failed: number; joinMs: number; rooms: number; errors: string[] }
  | { type: "measuring" }
  | { type: "result"; result: GeneratorResult }
  | { type: "error"; message: string };
