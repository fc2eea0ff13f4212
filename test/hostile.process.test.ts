import { Client, type Room } from "@colyseus/sdk";
import { pack } from "msgpackr";
import { describe, expect, it, vi } from "vitest";
import { nextInt } from "../src/sim/rng.ts";
import { connectRaw } from "./support/rawClient.ts";
import { fileURLToPath } from "node:url";
import { healthOf, joinThrough, leaveWhenDone, startCluster } from "./support/cluster.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { startServer, type RunningServer } from "./support/serverProcess.ts";

const ROOM_DATA = 13;
const ROOM_INPUT_RELIABLE = 19;
const INVALID_MESSAGE = 4002;
const MESSAGE_TOO_BIG = 1009;

/** The admin API as an operator on the server's machine reaches it: from loopback, without a token. */
function adminApi(server: RunningServer, path: string, init?: RequestInit): Promise<Response> {
  return fetch(`${server.adminUrl}/admin/api${path}`, init);
}

/** An announcement to every client of every room. */
function announce(server: RunningServer, text: string): Promise<Response> {
  return adminApi(server, "/announce", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text }) });
}

/** A ROOM_DATA frame: code, type as a msgpack-style string, msgpack payload. */
function roomData(type: string, payload: unknown): Buffer {
  const name = Buffer.from(type);
  return Buffer.concat([Buffer.from([ROOM_DATA, 0xa0 | name.length]), name, pack(payload)]);
}

/** One seeded garbage frame of a random kind, and the close code it must earn. */
function garbage(rng: { rngState: number }, mayBeOversized = true): { frame: Buffer; expectedCode: number } {
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => nextInt(rng, 256)));
  switch (nextInt(rng, mayBeOversized ? 6 : 5)) {
    case 0: { // random bytes whose first byte is no client frame type
      const frame = randomBytes(1 + nextInt(rng, 300));
      frame[0] = [0, 1, 5, 11, 14, 15, 22, 31][nextInt(rng, 8)]!;
      return { frame, expectedCode: INVALID_MESSAGE };
    }
    case 1: // a truncated input frame
      return { frame: Buffer.concat([Buffer.from([ROOM_INPUT_RELIABLE, 0xff]), randomBytes(nextInt(rng, 3))]), expectedCode: INVALID_MESSAGE };
    case 2: // a known message with the wrong types
      return { frame: roomData("rename", { name: nextInt(rng, 1000) }), expectedCode: INVALID_MESSAGE };
    case 3: // an unknown message type
      return { frame: roomData("teleport", { x: 1, y: 2 }), expectedCode: INVALID_MESSAGE };
    case 4: // a known type whose payload is not msgpack at all
      return { frame: Buffer.concat([Buffer.from([ROOM_DATA, 0xa6]), Buffer.from("rename"), Buffer.from([0xc1, 0xc1])]), expectedCode: INVALID_MESSAGE };
    default: // bigger than any legitimate message
      return { frame: randomBytes(2_000 + nextInt(rng, 4_000)), expectedCode: MESSAGE_TOO_BIG };
  }
}

describe("hostile clients", () => {
  it("fuzz: each garbage-sending connection is closed with its documented code; a good client keeps playing", { timeout: 90_000 }, async () => {
    const server = await startServer({ LOG_LEVEL: "error" });
    const good = leaveWhenDone(await new Client(server.wsUrl).joinOrCreate("arena", { mode: "fuzz", name: "good" }));
    let patches = 0;
    good.onStateChange(() => patches++);

    const rng = { rngState: 20261125 };
    const connections = 120;
    const framesPerConnection = 25;
    const deadline = Date.now() + 60_000;
    const patchesAtStart = patches;
    let framesSent = 0;
    for (let i = 0; i < connections && Date.now() < deadline; i++) {
      const raw = await connectRaw(server, { mode: "fuzz" });
      const first = garbage(rng);
      raw.ws.send(first.frame);
      framesSent++;
      // More garbage right behind it, as a hostile client would, until the server's close lands
      // (not oversized: the socket's own 1009 could then overtake the close the first frame earned).
      for (let f = 1; f < framesPerConnection && raw.ws.readyState === raw.ws.OPEN; f++, framesSent++) raw.ws.send(garbage(rng, false).frame);
      expect(await raw.closed).toBe(first.expectedCode);
    }
    expect(framesSent).toBeGreaterThan(1_000);
    expect(good.connection.isOpen).toBe(true);
    // Its patches kept coming meanwhile, and its room still ticks (how fast is the benchmarks' business).
    expect(patches).toBeGreaterThan(patchesAtStart);
    const tick = (good.state as { tick: number }).tick;
    await vi.waitFor(() => expect((good.state as { tick: number }).tick).toBeGreaterThan(tick + 10), { timeout: 5_000 });
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });

  it("slow reader: closed once its send buffer passes the limit, the buffer bounded, a good reader in its room unaffected", { timeout: 60_000 }, async () => {
    const limit = 65_536;
    const server = await startServer({ LOG_LEVEL: "warn", MAX_CLIENT_BUFFER_BYTES: String(limit) });
    const slow = await connectRaw(server, { mode: "slow" });
    const good = leaveWhenDone(await new Client(server.wsUrl).joinById(slow.reservation.roomId, { name: "reader" }));
    // The good reader gets the announcements and the patches in the order the server sent them, and
    // the server checks every client's send buffer just before each patch: a patch after the last
    // announcement of a round proves a check ran after that round's bytes went to the slow reader.
    let announcementsReceived = 0;
    let isPatchedSinceAnnouncement = false;
    good.onMessage("announcement", () => {
      announcementsReceived++;
      isPatchedSinceAnnouncement = false;
    });
    good.onStateChange(() => (isPatchedSinceAnnouncement = true));
    // Stop reading: the kernel buffers fill (megabytes on loopback), then the server's own send buffer grows.
    // ws's own pause, which its parser respects (it resumes a bare socket.pause() once it has caught up).
    slow.ws.pause();
    // A hostile reader keeps its connection alive without reading (unsolicited pongs, RFC 6455 5.5.3), so
    // Colyseus' ping timeout, which drops a client gone silent within 6-9 s, does not close it first however
    // long a loaded machine takes to fill those buffers: the send-buffer limit has to.
    const keepAlive = setInterval(() => slow.ws.pong(), 1_000);

    // The largest announcement an operator may send: 500 characters, 3 bytes each in UTF-8.
    const text = "€".repeat(500);
    const perRound = 32; // about 49 KB a round
    const isClosedOnServer = () => server.logs.some((l) => l.event === "slow_client_closed" && l.sessionId === slow.reservation.sessionId);
    // Startup (15 s at most), this, one more round and the checks below stay inside the test's 60 s.
    const deadline = Date.now() + 30_000;
    let announcements = 0;
    try {
      while (!isClosedOnServer() && Date.now() < deadline) {
        const answers = await Promise.all(Array.from({ length: perRound }, () => announce(server, text)));
        expect(answers.map((a) => a.status)).toEqual(Array(perRound).fill(200));
        announcements += perRound;
        // One round between two checks at most, so the buffer can overshoot the limit by one round only.
        await vi.waitFor(() => {
          expect(announcementsReceived).toBe(announcements);
          expect(isPatchedSinceAnnouncement).toBe(true);
        }, { timeout: 5_000, interval: 5 });
      }
    } finally {
      clearInterval(keepAlive);
    }
    const closing = server.logs.find((l) => l.event === "slow_client_closed" && l.sessionId === slow.reservation.sessionId);
    expect(closing, `not closed after ${announcements} announcements`).toBeDefined();
    expect(closing!.bufferedBytes as number).toBeGreaterThan(limit);
    // Bounded: the limit plus at most one round.
    expect(closing!.bufferedBytes as number).toBeLessThanOrEqual(limit + 65_536);

    slow.ws.resume();
    expect([4103, 1006]).toContain(await slow.closed);
    expect(good.connection.isOpen).toBe(true);
    // The room lets the slow reader go once its socket has closed on the server's side too.
    await vi.waitFor(async () => {
      const detail = await (await adminApi(server, `/rooms/${slow.reservation.roomId}`)).json();
      expect(detail.clients.map((c: { name: string }) => c.name)).toEqual(["reader"]);
    }, { timeout: 5_000, interval: 100 });
  });

  it("flood: a client over MAX_MESSAGES_PER_SECOND is closed, another is untouched", async () => {
    const server = await startServer({ LOG_LEVEL: "error", MAX_MESSAGES_PER_SECOND: "60" });
    const bystander = leaveWhenDone(await new Client(server.wsUrl).joinOrCreate("arena", { mode: "flood", name: "calm" }));
    const flooder = await connectRaw(server, { mode: "flood" });
    const ping = Buffer.from([18]);
    for (let i = 0; i < 200 && flooder.ws.readyState === flooder.ws.OPEN; i++) flooder.ws.send(ping);
    expect(await flooder.closed).toBe(INVALID_MESSAGE);
    const tick = (bystander.state as { tick: number }).tick;
    await vi.waitFor(() => expect((bystander.state as { tick: number }).tick).toBeGreaterThan(tick + 10), { timeout: 3_000 });
    expect(bystander.connection.isOpen).toBe(true);
  });
});

describe("containment and limits", () => {
  it("an unhandled rejection is logged and the process goes on serving", async () => {
    const preload = fileURLToPath(new URL("./support/unhandledRejection.ts", import.meta.url));
    const server = await startServer({}, ["--import", preload]);
    const room = leaveWhenDone(await new Client(server.wsUrl).joinOrCreate("arena", { name: "still-here" }));
    await vi.waitFor(() => expect(server.logs.some((l) => l.event === "unhandled_rejection")).toBe(true), { timeout: 5_000 });
    await vi.waitFor(() => expect(typeof (room.state as { tick?: number }).tick).toBe("number"), { timeout: 3_000 });
    const tick = (room.state as { tick: number }).tick;
    await vi.waitFor(() => expect((room.state as { tick: number }).tick).toBeGreaterThan(tick + 10), { timeout: 3_000 });
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });

  it("HTTP errors answer JSON without a stack trace", async () => {
    const server = await startServer();
    const response = await fetch(`${server.httpUrl}/admin/api/announce`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(JSON.parse(body)).toHaveProperty("error");
    expect(body).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it("with MAX_CLIENTS_PER_PROCESS reached everywhere, a further join gets 'server full'", async () => {
    const redis = await startPrivateRedis();
    const cluster = await startCluster(2, redis.url, { MAX_CLIENTS_PER_PROCESS: "3", ARENA_MAX_CLIENTS: "2" });
    const rooms: Room[] = [];
    for (let i = 0; i < 6; i++) rooms.push((await joinThrough(cluster[i % 2]!, { name: `f${i}` })).room);
    const health = await Promise.all(cluster.map(healthOf));
    expect(health.map((h) => h.clients)).toEqual([3, 3]);
    await expect(joinThrough(cluster[0]!, { name: "one-too-many" })).rejects.toThrow(/503.*server full/);
    // A seat frees up: joins work again.
    await rooms.pop()!.leave();
    await vi.waitFor(async () => rooms.push((await joinThrough(cluster[1]!, { name: "late" })).room), { timeout: 5_000, interval: 200 });
  });
});
