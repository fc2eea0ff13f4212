import type { Logger } from "pino";
import type { ProcessLoad } from "./ProcessLoad.ts";

export interface ClientCapOptions {
  load: ProcessLoad;
  /** Locks (true) or unlocks this process's game rooms, so matchmaking stops or resumes sending players here. */
  setGameRoomsLocked: (isLocked: boolean) => Promise<void>;
  /** While draining the rooms stay locked whatever the count. */
  isDraining: () => boolean;
  logger: Logger;
}

/**
 * MAX_CLIENTS_PER_PROCESS: at the cap this process's game rooms lock, so
 * joinOrCreate looks elsewhere; below it they reopen.
 */
export class ClientCap {
  private readonly options: ClientCapOptions;
  private areRoomsLocked = false;

  constructor(options: ClientCapOptions) {
    this.options = options;
  }

  /** Locks or reopens the rooms if the client count crossed the cap since the last call. */
  async enforce(): Promise<void> {
    const isAtCap = this.options.load.isAtClientCap;
    if (isAtCap === this.areRoomsLocked || this.options.isDraining()) return;
    this.areRoomsLocked = isAtCap;
    await this.options.setGameRoomsLocked(isAtCap);
    const ccu = this.options.load.ccu();
    this.options.logger.info({ event: isAtCap ? "process_full" : "process_has_room", ccu }, isAtCap
      ? "client cap reached: rooms locked"
      : "below the client cap: rooms open again");
  }
}
