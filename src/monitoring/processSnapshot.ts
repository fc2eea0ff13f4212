/** Redis as this process sees it; "embedded" without REDIS_URL. */
export type RedisState = "ok" | "down" | "embedded";

/** What this process reports about itself (GET /healthz, and the figures its snapshot starts from): the app implements it. */
export interface Health {
  status: "ok" | "draining";
  processId: string;
  /** The OS process id, for operators and supervisors. */
  pid: number;
  rooms: number;
  clients: number;
  uptimeS: number;
  draining: boolean;
  redis: RedisState;
  /** This process's placement score (room equivalents). */
  load: number;
}

/** One room as the monitoring panel lists it. */
export interface RoomSummary {
  roomId: string;
  roomType: string;
  processId: string;
  clients: number;
  maxClients: number;
  /** p99 of the room's recent ticks (simulation + patch), ms. */
  tickP99Ms: number;
  bytesOutPerS: number;
  ageS: number;
  locked: boolean;
  stateSizeBytes: number;
}

/** What each process publishes about itself about once a second, for the cluster view. */
export interface ProcessSnapshot {
  processId: string;
  address: string;
  ccu: number;
  roomCount: number;
  cpuPct: number;
  rssBytes: number;
  eventLoopLagP99Ms: number;
  /** p99 over every room tick on this process in the recent window, ms. */
  tickP99Ms: number;
  bytesOutPerS: number;
  draining: boolean;
  redis: RedisState;
  load: number;
  rooms: RoomSummary[];
}
