import type { Logger } from "pino";

/** Per-room-type settings handed to `onCreate` by the composition root (never by clients). */
export interface ArenaSettings {
  tickHz: number;
  patchHz: number;
  maxClients: number;
  viewRadiusUnits: number;
  reconnectGraceS: number;
  maxRewindMs: number;
  logger: Logger;
  telemetry: ArenaTelemetry;
}

/** Timings a room reports so benchmarks and metrics can read them; microseconds. */
export interface ArenaTelemetry {
  /** One fixed simulation step: inputs, world step and schema sync. */
  onTick(roomId: string, simMicros: number): void;
  /** One patch: interest update, encode of every view, and send. */
  onPatch(roomId: string, patchMicros: number): void;
}

export const NO_TELEMETRY: ArenaTelemetry = { onTick() {}, onPatch() {} };
