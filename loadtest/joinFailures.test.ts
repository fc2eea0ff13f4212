import { describe, expect, it } from "vitest";
import { explainJoinFailures, joinFailureReason, JoinFailureTally } from "./joinFailures.ts";

/** What the SDK rejects a join with: an Error carrying a code (HTTP status, close code or network error). */
function sdkError(message: string, code?: number | string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe("joinFailureReason", () => {
  it.each([
    [sdkError("a join token is required", 525), "525: a join token is required"],
    [sdkError("too many matchmaking requests from your address: retry in 37 s", 429), "429: too many matchmaking requests from your address: retry in N s"],
    [sdkError("fetch failed", "ECONNREFUSED"), "ECONNREFUSED: fetch failed"],
    [sdkError("seat reservation expired", 4002), "4002: seat reservation expired"],
    [new Error("join timed out after 10000 ms"), "join timed out after N ms"],
    [sdkError("i9Cgn1kWB is already full.", 523), "523: <room> is already full."],
    [sdkError("process 4VTqiHx0b is not available.", 523), "523: process <id> is not available."],
    ["a string", "a string"],
  ])("names %s as one cause", (error, reason) => {
    expect(joinFailureReason(error)).toBe(reason);
  });

  it("keeps one line", () => {
    expect(joinFailureReason(sdkError("first\nsecond", 500))).toBe("500: first");
  });
});

describe("JoinFailureTally", () => {
  it("adds counts by reason and lists the most frequent first", () => {
    const tally = new JoinFailureTally();
    tally.add("a");
    tally.addAll({ b: 2, a: 2 });
    tally.add("c");
    expect(tally.total).toBe(6);
    expect(Object.entries(tally.toJSON())).toEqual([["a", 3], ["b", 2], ["c", 1]]);
  });
});

describe("explainJoinFailures", () => {
  it("says what to do about refused tokens and the per-address limit, and nothing about other causes", () => {
    const lines = explainJoinFailures({
      "525: a join token is required": 4,
      "525: the join token is not valid": 1,
      "429: too many matchmaking requests from your address: retry in N s": 2,
      "4002: seat reservation expired": 9,
    });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^5 join\(s\) refused for their token \(525\).*--join-secret.*JOIN_SECRET/);
    expect(lines[1]).toMatch(/^2 join\(s\) refused by the server's per-address rate limit \(429\).*--ramp.*RATE_LIMIT_EXEMPT/);
    expect(explainJoinFailures({ "4002: seat reservation expired": 1 })).toEqual([]);
  });
});
