import type { RedisHealth } from "../cluster/scaling.ts";

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
  redis: RedisHealth;
  load: number;
  rooms: RoomSummary[];
}
