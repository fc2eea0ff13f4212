import { matchMaker } from "@colyseus/core";
import { wrapMatchmakingCalls } from "../../rooms/colyseusInternals.ts";
import { ERROR_CODES } from "../closeCodes.ts";

/** How a matchmaking request ended, as `gameserver_matchmaking_*` label it. */
export const MATCHMAKING_OUTCOMES = ["ok", "rate_limited", "full", "refused", "invalid", "unavailable", "error"] as const;
export type MatchmakingOutcome = (typeof MATCHMAKING_OUTCOMES)[number];

/** Colyseus' matchmaking methods (joinOrCreate, create, join, joinById, reconnect); anything else is "other". */
export const MATCHMAKING_METHODS: readonly string[] = [...matchMaker.controller.exposedMethods];

/**
 * Colyseus' codes for requests that name no room type or room, or options no room accepts
 * (MATCHMAKE_NO_HANDLER, _INVALID_CRITERIA, _INVALID_ROOM_ID, _EXPIRED, INVALID_PAYLOAD).
 */
const INVALID_REQUEST_CODES: ReadonlySet<number> = new Set([520, ERROR_CODES.INVALID_JOIN_OPTIONS, 522, 524, 4217]);

/**
 * The outcome of one matchmaking call from what it threw (undefined: a seat was reserved).
 * Two answers share 503, so the message tells them apart: "server full" (every process at its caps
 * or draining, see src/cluster/processSelector.ts) and Colyseus' "already full" (the room filled while a seat
 * was being reserved, after its retries) are `full`; Redis lost or a timeout is `unavailable`.
 */
export function matchmakingOutcomeOf(error: unknown): MatchmakingOutcome {
  if (error === undefined) return "ok";
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : "";
  if (code === ERROR_CODES.RATE_LIMITED) return "rate_limited";
  if (code === ERROR_CODES.AUTH_FAILED) return "refused";
  if (/\b(server|already) full\b/.test(message)) return "full";
  if (code === 503 || /is not available/.test(message)) return "unavailable";
  if (typeof code === "number" && INVALID_REQUEST_CODES.has(code)) return "invalid";
  return "error";
}

export type MatchmakingObserver = (method: string, outcome: MatchmakingOutcome, seconds: number) => void;

/**
 * Reports every matchmaking call Colyseus' controller answers: its method, outcome, and the time
 * from the call to the answer. Install it after every other wrapper of the controller
 * (admission, the Redis-down gate), so it sees their refusals too. Requests the HTTP gate refuses
 * before matchmaking (a body too large or too slow) are not matchmaking calls and are not seen.
 */
export function observeMatchmaking(observe: MatchmakingObserver): void {
  wrapMatchmakingCalls((invoke) => async (...args) => {
    const method = MATCHMAKING_METHODS.includes(args[0]) ? args[0] : "other";
    const started = performance.now();
    try {
      const reservation = await invoke(...args);
      observe(method, "ok", (performance.now() - started) / 1000);
      return reservation;
    } catch (error) {
      observe(method, matchmakingOutcomeOf(error ?? new Error("unknown")), (performance.now() - started) / 1000);
      throw error;
    }
  });
}
