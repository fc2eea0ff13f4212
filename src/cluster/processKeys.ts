import type { Presence } from "@colyseus/core";
import type { Logger } from "pino";

/** How the parts that keep the cluster's shared records reach presence. */
export interface ClusterAccess {
  /** Read lazily: Colyseus sets up presence and the process id after the server is built. */
  presence: () => Presence;
  processId: () => string;
  /** Whether presence can be used right now (false while Redis is down: writes would only queue). */
  isPresenceUp: () => boolean;
  logger: Logger;
}

/** Every process's published record (placement.ts's ProcessRecord), by process id. */
export const PROCESSES_KEY = "gs:processes";
/** Game rooms per process, incremented by whoever places a room there and decremented by its owner on dispose. */
export const PLACED_ROOMS_KEY = "gs:placed-rooms";
/** A process's heartbeat: a key that expires unless the process renews it. */
export const aliveKey = (processId: string) => `gs:alive:${processId}`;
