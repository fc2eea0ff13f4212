import type { Client } from "@colyseus/core";
import type { Logger } from "pino";

/** Per-room-type settings handed to `onCreate` by the composition root (never by clients). */
export interface ArenaSettings {
  tickHz: number;
  patchHz: number;
  maxClients: number;
  viewRadiusUnits: number;
  reconnectGraceS: number;
  maxRewindMs: number;
  maxClientBufferBytes: number;
  maxMessagesPerSecond: number;
  /** False when the process is at its client cap: rooms then refuse seats so matchmaking looks elsewhere. */
  canAdmitPlayer: () => boolean;
  /** Colyseus' COLYSEUS_LATENCY simulation (development) is on: it decodes frames later, on a timer. */
  isLatencySimulated: boolean;
  /** Set: joins need a signed token (see joinToken.ts). */
  joinSecret: string | undefined;
  /** Modes a client may ask for; empty: any well-formed mode. */
  allowedModes: readonly string[];
  /** A seat reservation nobody connects with is freed after this long. */
  seatReservationS: number;
  /** The client's address by the trust model (for per-address log limits); undefined if unknown. */
  clientAddressOf: (client: Client) => string | undefined;
  logger: Logger;
  telemetry: ArenaTelemetry;
}

/** What a room reports so placement, benchmarks and metrics can read it; times in microseconds. */
export interface ArenaTelemetry {
  /** One fixed simulation step: inputs, world step, and its events on the schema. */
  onTick(roomId: string, simMicros: number): void;
  /** One patch: players mirrored onto the schema, interest update, encode of every view, and send. */
  onPatch(roomId: string, patchMicros: number): void;
  onRoomCreated?(roomId: string, roomType: string): void;
  onRoomDisposed?(roomId: string): void;
  /** A player joined or left (the process may be reaching its client cap). */
  onPlayersChanged?(roomId: string): void;
}

/** One telemetry that forwards every report to each of `sinks`. */
export function fanOutTelemetry(...sinks: ArenaTelemetry[]): ArenaTelemetry {
  return {
    onTick: (roomId, micros) => { for (const s of sinks) s.onTick(roomId, micros); },
    onPatch: (roomId, micros) => { for (const s of sinks) s.onPatch(roomId, micros); },
    onRoomCreated: (roomId, roomType) => { for (const s of sinks) s.onRoomCreated?.(roomId, roomType); },
    onRoomDisposed: (roomId) => { for (const s of sinks) s.onRoomDisposed?.(roomId); },
    onPlayersChanged: (roomId) => { for (const s of sinks) s.onPlayersChanged?.(roomId); },
  };
}
