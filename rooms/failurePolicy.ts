import { ServerError, type RoomException, type RoomMethodName } from "@colyseus/core";
import type { Logger } from "pino";
import { ERROR_CODES } from "../src/closeCodes.ts";

/** Refusals a room raises on purpose: logged as such, not as failures. */
const EXPECTED_REFUSALS: ReadonlySet<number> = new Set([ERROR_CODES.INVALID_JOIN_OPTIONS, ERROR_CODES.AUTH_FAILED]);

/**
 * What a room does with an exception Colyseus caught in one of its handlers:
 * log it with the room id and carry on; only a tick that keeps failing for a
 * whole second (the world is broken) gives the room up.
 */
export class FailurePolicy {
  private readonly failedTicksToGiveUp: number;
  private readonly giveUp: () => void;
  private failedTicksInARow = 0;

  constructor(tickHz: number, giveUp: () => void) {
    this.failedTicksToGiveUp = tickHz;
    this.giveUp = giveUp;
  }

  tickSucceeded(): void {
    this.failedTicksInARow = 0;
  }

  handle(error: RoomException, methodName: RoomMethodName, log: Logger): void {
    const cause = error.cause instanceof ServerError ? error.cause : undefined;
    if (cause !== undefined && EXPECTED_REFUSALS.has(cause.code)) {
      log.info({ event: "join_refused", reason: cause.message }, "join refused");
      return;
    }
    log.error({ event: "room_exception", methodName, err: error.cause ?? error }, "room handler threw");
    if (methodName !== "setFixedTimestep") return;
    this.failedTicksInARow++;
    if (this.failedTicksInARow === this.failedTicksToGiveUp) {
      log.error({ event: "room_failed" }, "simulation keeps failing, closing room");
      this.giveUp();
    }
  }
}
