import { ServerError, type Presence } from "@colyseus/core";
import type { Logger } from "pino";
import { wrapMatchmakingCalls } from "../../rooms/colyseusInternals.ts";
import { limitKeyOf, type AddressSet } from "../clientAddress.ts";
import { ERROR_CODES } from "../closeCodes.ts";
import { LogThrottle } from "../logThrottle.ts";
import { FixedWindowLimiter } from "./FixedWindowLimiter.ts";
import { CLIENT_ADDRESS_HEADER } from "./requestGate.ts";

const WINDOW_S = 60;

export interface MatchmakingAdmissionOptions {
  presence: () => Presence;
  /** False while Redis is down: nothing is counted then (matchmaking answers 503 anyway). */
  isPresenceUp: () => boolean;
  maxJoinsPerAddressPerMin: number;
  maxRoomsPerAddressPerMin: number;
  /** Addresses no per-address limit applies to (load generators). */
  exempt: AddressSet;
  logger: Logger;
}

type SelectProcess = (roomName: string, clientOptions: Record<string, unknown>) => Promise<string>;

export interface MatchmakingAdmission {
  /** Wraps placement: a room creation counts against the address whose request caused it. */
  guardRoomCreation(select: SelectProcess): SelectProcess;
}

/**
 * Per-address limits on matchmaking, cluster-wide: every matchmaking request
 * counts as a seat reservation, and every room it causes to be created counts
 * as a creation. Over either limit, the request is refused with 429
 * (RATE_LIMITED) and when to retry. The address comes from the request gate's
 * header (see requestGate.ts); requests without it (server-side calls) are not counted.
 */
export function installMatchmakingAdmission(options: MatchmakingAdmissionOptions): MatchmakingAdmission {
  const joins = new FixedWindowLimiter({ presence: options.presence, name: "joins", limit: options.maxJoinsPerAddressPerMin, windowS: WINDOW_S });
  const creations = new FixedWindowLimiter({ presence: options.presence, name: "rooms", limit: options.maxRoomsPerAddressPerMin, windowS: WINDOW_S });
  const refusalLog = new LogThrottle(1);
  /** Which client address a request's options object came from, for the room creation it may cause. */
  const requesters = new WeakMap<object, string>();

  async function check(limiter: FixedWindowLimiter, address: string, what: string): Promise<void> {
    if (options.exempt.has(address) || !options.isPresenceUp()) return;
    const key = limitKeyOf(address);
    const decision = await limiter.take(key);
    if (decision.isAllowed) return;
    if (refusalLog.admit(`${what}:${key}`)) {
      options.logger.warn({ event: "matchmaking_rate_limited", address: key, limit: what }, `too many ${what} from one address: refused`);
    }
    throw new ServerError(ERROR_CODES.RATE_LIMITED, `too many ${what} from your address: retry in ${decision.retryAfterS} s`);
  }

  wrapMatchmakingCalls((invoke) => async (...args) => {
    const [, , clientOptions, authContext] = args;
    const address = authContext?.headers?.get(CLIENT_ADDRESS_HEADER) ?? undefined;
    if (address !== undefined) {
      await check(joins, address, "matchmaking requests");
      if (typeof clientOptions === "object" && clientOptions !== null) requesters.set(clientOptions, address);
    }
    return invoke(...args);
  });

  return {
    guardRoomCreation: (select) => async (roomName, clientOptions) => {
      const address = requesters.get(clientOptions);
      if (address !== undefined) await check(creations, address, "room creations");
      return select(roomName, clientOptions);
    },
  };
}
