import { ServerError } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { matchmakingOutcomeOf } from "./matchmakingOutcome.ts";

describe("matchmaking outcomes", () => {
  it.each([
    ["a reserved seat", undefined, "ok"],
    ["the per-address limit", new ServerError(429, "too many matchmaking requests from your address: retry in 12 s"), "rate_limited"],
    ["a join token refused", new ServerError(525, "join token expired"), "refused"],
    ["every process at its caps", new ServerError(503, "server full: every game server process is at its room or client limit, or draining"), "full"],
    ["a room that filled during the reservation", new ServerError(523, "kxA3 is already full."), "full"],
    ["Redis lost", new ServerError(503, "matchmaking is unavailable: the server lost its connection to Redis; retry shortly"), "unavailable"],
    ["a timeout", new ServerError(503, "matchmaking timed out; retry shortly"), "unavailable"],
    ["the owning process gone", new ServerError(523, "process abc is not available."), "unavailable"],
    ["an unknown mode", new ServerError(521, "mode: must be one of ffa"), "invalid"],
    ["an unknown method", new ServerError(520, 'invalid method "steal"'), "invalid"],
    ["an expired reconnection", new ServerError(524, "expired"), "invalid"],
    ["anything else", new ServerError(523, "Cannot read properties of undefined"), "error"],
    ["a non-error", "boom", "error"],
  ])("%s", (_what, error, outcome) => {
    expect(matchmakingOutcomeOf(error)).toBe(outcome);
  });
});
