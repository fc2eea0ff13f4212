import { matchMaker, type Server } from "@colyseus/core";
import type { Logger } from "pino";
import type { ProcessRegistry } from "./processRegistry.ts";

/** Room types whose clients do not hold a drain open (a lobby only lists rooms). */
const NON_GAME_ROOMS = new Set(["lobby"]);

export interface DrainOptions {
  server: Server;
  registry: ProcessRegistry;
  drainTimeoutS: number;
  logger: Logger;
  /** Resolves early when the operator insists (a second signal). */
  abort: Promise<void>;
  /** Runs just before Colyseus shuts down (and closes presence). */
  beforeShutdown?: () => void;
}

async function localGameRooms() {
  const listed = await matchMaker.driver.query({ processId: matchMaker.processId });
  return listed.filter((room) => !NON_GAME_ROOMS.has(room.name));
}

/**
 * Takes this process out of service without cutting games short: placement
 * skips it at once, its rooms stop taking new players but keep running until
 * they empty or the timeout passes; then the rest are closed (Colyseus'
 * SERVER_SHUTDOWN, 4001), the listings removed, and the process may exit.
 */
export async function drain({ server, registry, drainTimeoutS, logger, abort, beforeShutdown }: DrainOptions): Promise<void> {
  await registry.setDraining();
  for (const listing of await localGameRooms()) await matchMaker.getLocalRoomById(listing.roomId)?.lock();
  logger.info({ event: "drain_started", drainTimeoutS }, "draining: no new rooms here");

  let isAborted = false;
  void abort.then(() => (isAborted = true));
  const deadline = Date.now() + drainTimeoutS * 1000;
  let remaining = await localGameRooms();
  while (remaining.length > 0 && Date.now() < deadline && !isAborted) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    remaining = await localGameRooms();
  }
  logger.info({ event: "drain_finished", roomsClosed: remaining.length }, remaining.length > 0
    ? "drain timeout: closing the remaining rooms"
    : "all rooms emptied");
  await registry.stop();
  beforeShutdown?.();
  await server.gracefullyShutdown(false);
}
