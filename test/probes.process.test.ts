import { Client, type Room } from "@colyseus/sdk";
import { describe, expect, it, vi } from "vitest";
import { joinThrough, leaveWhenDone, reserveSeat } from "./support/cluster.ts";
import { startLinkProxy } from "./support/linkProxy.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { startServer, type RunningServer } from "./support/serverProcess.ts";

async function probe(server: RunningServer, path: "/livez" | "/readyz") {
  const response = await fetch(`${server.httpUrl}${path}`, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: (await response.json()) as { status: string; reason?: string } };
}

const tickOf = (room: Room) => (room.state as { tick?: number }).tick ?? -1;

/** Drops the client's socket the way a network does (no close frame from the server's view of it). */
function dropSocket(room: Room): void {
  (room.connection.transport as unknown as { ws: { close(): void } }).ws.close();
}

// Each test starts a process (up to 15 s on a loaded machine) and waits on deadlines of its own.
describe("probes and a lost Redis", { timeout: 60_000 }, () => {
  it("/livez answers; /readyz is ready, then 503 draining while its players, reconnections included, still get through", async () => {
    const server = await startServer({ DRAIN_TIMEOUT_S: "30", RECONNECT_GRACE_S: "20" });
    expect(await probe(server, "/livez")).toEqual({ status: 200, body: { status: "ok" } });
    expect(await probe(server, "/readyz")).toEqual({ status: 200, body: { status: "ready" } });

    const { room } = await joinThrough(server, { name: "stays" });
    room.reconnection.minUptime = 0;
    await vi.waitFor(() => expect(tickOf(room)).toBeGreaterThan(0), { timeout: 5_000 });
    server.child.kill("SIGTERM");
    await vi.waitFor(async () => expect((await probe(server, "/readyz")).status).toBe(503), { timeout: 5_000, interval: 100 });
    expect((await probe(server, "/readyz")).body).toEqual({ status: "draining", reason: expect.stringMatching(/draining/) });
    // Alive all the same: a liveness probe must not restart a draining process.
    expect((await probe(server, "/livez")).status).toBe(200);

    // The player's connection drops and comes back to the same seat while the process drains.
    const sessionId = room.sessionId;
    const reconnected = new Promise<void>((resolve) => room.onReconnect(() => resolve()));
    dropSocket(room);
    await reconnected;
    expect(room.sessionId).toBe(sessionId);
    const tickAfter = tickOf(room);
    await vi.waitFor(() => expect(tickOf(room)).toBeGreaterThan(tickAfter + 10), { timeout: 5_000 });
    // New matchmaking is refused here (the process is draining and its rooms are locked).
    expect((await reserveSeat(server, "create", { mode: "late" })).status).not.toBe(200);
  });

  it("a Redis that closes its connections: /readyz 503 redis_down, then ready again", async () => {
    const redis = await startPrivateRedis();
    const server = await startServer({ REDIS_URL: redis.url });
    expect((await probe(server, "/readyz")).status).toBe(200);
    await redis.stop();
    await vi.waitFor(async () => expect(await probe(server, "/readyz")).toEqual({
      status: 503, body: { status: "redis_down", reason: expect.stringMatching(/Redis/) },
    }), { timeout: 5_000, interval: 100 });
    expect((await probe(server, "/livez")).status).toBe(200);
    await redis.start();
    await vi.waitFor(async () => expect((await probe(server, "/readyz")).status).toBe(200), { timeout: 10_000, interval: 100 });
  });

  it("a cut link to Redis (no socket closes): matchmaking answers 503 in bounded time, rooms keep ticking, then it recovers by itself", async () => {
    const redis = await startPrivateRedis();
    const link = await startLinkProxy(redis.port);
    const server = await startServer({ REDIS_URL: `redis://127.0.0.1:${link.port}`, REDIS_COMMAND_TIMEOUT_MS: "500" });
    await vi.waitFor(async () => expect((await probe(server, "/readyz")).status).toBe(200), { timeout: 10_000, interval: 50 });
    const { room } = await joinThrough(server, { name: "playing" });
    await vi.waitFor(() => expect(tickOf(room)).toBeGreaterThan(0), { timeout: 5_000 });

    link.cut();
    // Every matchmaking call answers, and with 503, not a hang: AbortSignal.timeout fails the test
    // if one takes longer than 5 s (10x the command timeout; the answer usually comes within it).
    const matchmake = () => fetch(`${server.httpUrl}/matchmake/joinOrCreate/arena`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ mode: "cut" }),
      signal: AbortSignal.timeout(5_000),
    });
    const first = await matchmake();
    expect(first.status).toBe(503);
    expect(((await first.json()) as { error: string }).error).toMatch(/Redis/);
    await vi.waitFor(async () => expect((await probe(server, "/readyz")).body.status).toBe("redis_down"), { timeout: 5_000, interval: 100 });
    expect((await matchmake()).status).toBe(503);
    expect(server.logs.some((l) => l.event === "redis_down")).toBe(true);
    const tickAtCut = tickOf(room);
    await vi.waitFor(() => expect(tickOf(room)).toBeGreaterThan(tickAtCut + 30), { timeout: 5_000 });

    link.restore();
    await vi.waitFor(async () => expect((await probe(server, "/readyz")).status).toBe(200), { timeout: 10_000, interval: 100 });
    await vi.waitFor(async () => expect((await matchmake()).status).toBe(200), { timeout: 10_000, interval: 200 });
    expect(server.logs.some((l) => l.event === "redis_recovered")).toBe(true);
    expect(room.connection.isOpen).toBe(true);
    // Every command that timed out failed where it was made: none escaped as an unhandled rejection.
    expect(server.logs.filter((l) => l.event === "unhandled_rejection")).toEqual([]);
  });

  it("a link cut for longer than a TCP retry is redialled, and the fleet's messages flow again", async () => {
    const redis = await startPrivateRedis();
    const link = await startLinkProxy(redis.port);
    const env = { REDIS_URL: `redis://127.0.0.1:${link.port}`, REDIS_COMMAND_TIMEOUT_MS: "500" };
    const [a, b] = await Promise.all([startServer(env), startServer(env)]);
    // Both fully started (/healthz answers a little before start-up ends): the cut comes mid-game, not mid-start.
    await Promise.all([a!, b!].map((s) => vi.waitFor(async () => expect((await probe(s, "/readyz")).status).toBe(200), { timeout: 10_000, interval: 50 })));
    link.cut();
    await vi.waitFor(() => expect(a!.logs.some((l) => l.event === "redis_redial")).toBe(true), { timeout: 20_000, interval: 200 });
    link.restore();
    await Promise.all([a!, b!].map((s) => vi.waitFor(async () => expect((await probe(s, "/readyz")).status).toBe(200), { timeout: 10_000, interval: 100 })));
    // Cross-process traffic (a room created through A on whichever process placement picks, joined via B) works.
    const { room } = await joinThrough(a!, { name: "after", mode: "redial" });
    const second = await reserveSeat(b!, "joinOrCreate", { mode: "redial", name: "friend" });
    expect(second.status).toBe(200);
    expect(second.body.roomId).toBe(room.roomId);
    leaveWhenDone(await new Client(b!.wsUrl).consumeSeatReservation(second.body as never));
  });
});
