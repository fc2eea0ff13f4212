import type { Client } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { RoomStats } from "./roomStats.ts";

/** A client as RoomStats reads it: a session id and a `ws`-like socket with a byte count. */
function fakeClient(sessionId: string, bytesWritten: number) {
  const socket = { bufferedAmount: 0, _socket: { bytesWritten }, ping: () => undefined, on: () => undefined };
  return { client: { sessionId, ref: socket } as unknown as Client, socket };
}

describe("RoomStats byte rates", () => {
  it("counts a reconnected client's new socket from zero, never as a negative rate", () => {
    const stats = new RoomStats();
    const first = fakeClient("s1", 50_000);
    stats.sample([first.client]);
    first.socket._socket.bytesWritten = 60_000;
    expect(stats.sample([first.client]).clients[0]!.bytesOutPerS).toBeGreaterThan(0);

    // The same session on a new socket (a reconnection) that has written 2 kB so far.
    const reconnected = fakeClient("s1", 2_000);
    const sample = stats.sample([reconnected.client]);
    expect(sample.clients[0]!.bytesOutPerS).toBeGreaterThan(0);
    expect(sample.bytesOutPerS).toBeGreaterThan(0);
  });
});
