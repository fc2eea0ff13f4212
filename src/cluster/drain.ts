import type { Server } from "@colyseus/core";
import type { Logger } from "pino";

export interface DrainOptions {
  server: Server;
  /** Publishes this process as draining: from then on placement skips it. */
  setDraining: () => Promise<void>;
  /** Locks this process's game rooms, so they take no new players. */
  lockGameRooms: () => Promise<void>;
  /** Game rooms still running here. */
  gameRooms: () => number;
  /** Takes this process out of the cluster's records (its record, count and heartbeat). */
  leaveCluster: () => Promise<void>;
  drainTimeoutS: number;
  logger: Logger;
  /** Resolves early when the operator insists (a second signal). */
  abort: Promise<void>;
  /** Runs just before Colyseus shuts down (and closes presence). */
  beforeShutdown?: () => void;
}

/**
 * Takes this process out of service without cutting games short: placement
 * skips it at once, its rooms stop taking new players but keep running until
 * they empty or the timeout passes; then the rest are closed (Colyseus'
 * SERVER_SHUTDOWN, 4001), the listings removed, and the process may exit.
 */
export async function drain(options: DrainOptions): Promise<void> {
  const { server, drainTimeoutS, logger, abort, beforeShutdown } = options;
  await options.setDraining();
  await options.lockGameRooms();
  logger.info({ event: "drain_started", drainTimeoutS }, "draining: no new rooms here");

  let isAborted = false;
  void abort.then(() => (isAborted = true));
  const deadline = Date.now() + drainTimeoutS * 1000;
  while (options.gameRooms() > 0 && Date.now() < deadline && !isAborted) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const remaining = options.gameRooms();
  logger.info({ event: "drain_finished", roomsClosed: remaining }, remaining > 0
    ? "drain timeout: closing the remaining rooms"
    : "all rooms emptied");
  await options.leaveCluster();
  beforeShutdown?.();
  await server.gracefullyShutdown(false);
}
