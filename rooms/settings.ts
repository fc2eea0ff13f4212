import type { Client } from "@colyseus/core";
import type { Logger } from "pino";
import type { RoomStats } from "./roomStats.ts";

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
  /** This process's record of live rooms: the room reports its lifecycle, players, ticks and patches there, once. */
  liveRooms: RoomReports;
}

/** Which room a report is about. */
export interface RoomIdentity {
  readonly roomId: string;
  /** The name the room type is defined under (`arena`, `lobby`). */
  readonly roomType: string;
}

/**
 * What a listener of this process's record of live rooms (liveRooms.ts) hears; times in
 * microseconds. Ticks and patches run every tick for every game room: keep those cheap.
 */
export interface ArenaTelemetry {
  /** One fixed simulation step: inputs, world step, and its events on the schema. */
  onTick?(room: RoomIdentity, simMicros: number): void;
  /** One patch: players mirrored onto the schema, interest update, encode of every view, and send. */
  onPatch?(room: RoomIdentity, patchMicros: number): void;
  onRoomCreated?(room: RoomIdentity): void;
  onRoomDisposed?(room: RoomIdentity): void;
  /** A player joined or left a game room (the process may be reaching its client cap). */
  onPlayersChanged?(room: RoomIdentity): void;
}

/** A room as this process's record of live rooms holds it: the room hands over itself. */
export interface ReportedRoom {
  readonly roomId: string;
  readonly roomName: string;
  readonly clients: { readonly length: number } & Iterable<Client>;
  readonly maxClients: number;
  readonly locked: boolean;
  /** Game rooms: their tick, patch and client network figures. */
  readonly stats?: RoomStats;
  /** Game rooms: bytes of the full state a client downloads on joining. */
  fullStateBytes?(): number;
}

/** One live room's line in the record, through which it reports what happens to it. */
export interface RoomReport {
  recordTick(simMicros: number, inputs: number): void;
  recordPatch(patchMicros: number, clients: number): void;
  playersChanged(): void;
}

/** This process's record of live rooms (liveRooms.ts), as a room reports into it. */
export interface RoomReports {
  /** The room is live (the end of its onCreate): from now on it reports through the returned line. */
  add(room: ReportedRoom): RoomReport;
  /** The room is gone (its onDispose); a room never added is ignored. */
  remove(roomId: string): void;
}
