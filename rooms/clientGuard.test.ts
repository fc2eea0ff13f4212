import type { Client } from "@colyseus/core";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { ClientGuard } from "./clientGuard.ts";
import { RoomStats } from "./roomStats.ts";

const LIMIT_BYTES = 1_000;

/** A client whose socket holds `bufferedAmount` unsent bytes, recording the code it was closed with. */
function fakeClient(sessionId: string, bufferedAmount: number) {
  const closes: number[] = [];
  const client = { sessionId, ref: { bufferedAmount }, leave: (code: number) => closes.push(code) } as unknown as Client;
  return { client, closes };
}

describe("ClientGuard's slow-client closes", () => {
  it("counts each slow client once in the stats' next sample, lagging ones not at all", () => {
    const stats = new RoomStats();
    const guard = new ClientGuard(LIMIT_BYTES, pino({ level: "silent" }), stats, () => undefined, () => undefined);
    const slow = fakeClient("slow", LIMIT_BYTES + 1);
    const lagging = fakeClient("lagging", LIMIT_BYTES / 2);
    expect(guard.closeIfTooSlow(slow.client)).toBe(true);
    expect(guard.closeIfTooSlow(slow.client)).toBe(true); // its close is under way: not closed or counted again
    expect(guard.closeIfTooSlow(lagging.client)).toBe(false);
    expect(slow.closes).toEqual([4103]);

    const first = stats.sample([]);
    expect(first.slowClosedClients).toBe(1);
    expect(first.laggingClients).toBe(2);
    expect(stats.sample([]).slowClosedClients).toBe(0);
  });
});
