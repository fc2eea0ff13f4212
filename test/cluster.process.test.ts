import type { Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { describe, expect, it, vi } from "vitest";
import { healthOf, joinThrough, reserveSeat, startCluster, waitForProcessRecords } from "./support/cluster.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { startServer } from "./support/serverProcess.ts";

// Every test gets its own redis-server and processes, stopped (and its rooms left) when it ends.

const tickOf = (room: Room) => (room.state as { tick: number }).tick;

/** Until a room's first state arrives its tick is undefined, and any comparison with it fails. */
async function firstStateOf(rooms: Room[]): Promise<void> {
  await vi.waitFor(() => rooms.forEach((room) => expect(tickOf(room)).toBeTypeOf("number")), { timeout: 5_000 });
}

async function listingsIn(redisUrl: string): Promise<{ roomId: string; processId: string }[]> {
  const client = new Redis(redisUrl);
  try {
    const all = await client.hgetall("roomcaches");
    return Object.values(all).map((json) => JSON.parse(json));
  } finally {
    client.disconnect();
  }
}

// Each test starts real processes (up to 15 s on a loaded machine, side by side) and then waits on
// deadlines of its own: together, well inside this.
describe("many processes on Redis", { timeout: 60_000 }, () => {
  it("places rooms on every process and routes 60 clients joining through one endpoint", async () => {
    const redis = await startPrivateRedis();
    const servers = await startCluster(3, redis.url, { ARENA_MAX_CLIENTS: "4" });
    const rooms: Room[] = [];
    for (let i = 0; i < 60; i++) rooms.push((await joinThrough(servers[0]!, { name: `p${i}` })).room);

    const health = await Promise.all(servers.map(healthOf));
    for (const h of health) {
      expect(h.rooms).toBeGreaterThan(0);
      expect(h.clients).toBeGreaterThan(0);
      expect(h.redis).toBe("ok");
    }
    expect(health.reduce((sum, h) => sum + h.clients, 0)).toBe(60);

    await firstStateOf(rooms);
    const ticksBefore = rooms.map(tickOf);
    await vi.waitFor(() => rooms.forEach((room, i) => expect(tickOf(room)).toBeGreaterThan(ticksBefore[i]!)), { timeout: 5_000 });
  });

  it.each([
    ["every endpoint", 4],
    ["one endpoint", 1],
  ])("spreads a burst of 40 new rooms through %s over 4 processes, 10 +/- 2 each", async (_how, endpoints) => {
    const redis = await startPrivateRedis();
    const servers = await startCluster(4, redis.url);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => reserveSeat(servers[i % endpoints]!, "create", { name: `b${i}` })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const perProcess = new Map<string, number>();
    for (const { body } of results) perProcess.set(body.processId, (perProcess.get(body.processId) ?? 0) + 1);
    const counts = [...perProcess.values()];
    expect(perProcess.size, `rooms per process: ${counts}`).toBe(4);
    for (const count of counts) expect(Math.abs(count - 10), `rooms per process: ${counts}`).toBeLessThanOrEqual(2);
  });

  it("delivers a direct message across processes, an announcement to every process, and 'not online' for the absent", async () => {
    const redis = await startPrivateRedis();
    const servers = await startCluster(3, redis.url, { ADMIN_TOKEN: "test-admin-token-0123456789" });
    // Each player joins its own room on a chosen process (joinById keeps it there).
    const rooms: Room[] = [];
    const onA = (await joinThrough(servers[0]!, { mode: "a" })).room;
    let onC: Room | undefined;
    for (let i = 0; i < 6 && onC === undefined; i++) {
      const joined = await joinThrough(servers[0]!, { mode: `c${i}` });
      rooms.push(joined.room);
      if (joined.reservation.processId !== (await healthOf(servers[0]!)).processId) onC = joined.room;
    }
    rooms.push(onA);
    expect(onC).toBeDefined();

    const received = new Promise((resolve) => onC!.onMessage("dm", resolve));
    await expect(onA.request("dm", { to: onC!.sessionId, text: "hello from A" })).resolves.toEqual({ delivered: true });
    expect(await received).toEqual({ from: onA.sessionId, fromName: expect.any(String), text: "hello from A" });

    // In order per sender.
    const texts: string[] = [];
    const allFive = new Promise<void>((resolve) => onC!.onMessage("dm", (m: { text: string }) => {
      texts.push(m.text);
      if (texts.length === 5) resolve();
    }));
    for (let i = 0; i < 5; i++) void onA.request("dm", { to: onC!.sessionId, text: `#${i}` });
    await allFive;
    expect(texts).toEqual(["#0", "#1", "#2", "#3", "#4"]);

    await expect(onA.request("dm", { to: "nobodyHere123", text: "anyone?" })).rejects.toMatchObject({ name: "rejected", reason: "not online" });

    const announcements = rooms.map((room) => new Promise((resolve) => room.onMessage("announcement", resolve)));
    const refused = await fetch(`${servers[1]!.httpUrl}/admin/api/announce`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "x" }) });
    expect(refused.status).toBe(401);
    const sent = await fetch(`${servers[1]!.httpUrl}/admin/api/announce`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer test-admin-token-0123456789" },
      body: JSON.stringify({ text: "server maintenance at 10:00" }),
    });
    expect(sent.status).toBe(200);
    for (const announcement of announcements) await expect(announcement).resolves.toEqual({ text: "server maintenance at 10:00" });
  });

  it("forgets a SIGKILLed process within STALE_PROCESS_S and keeps placing joins on the survivors", async () => {
    const redis = await startPrivateRedis();
    const servers = await startCluster(3, redis.url, { ARENA_MAX_CLIENTS: "4", STALE_PROCESS_S: "6" });
    for (let i = 0; i < 24; i++) await joinThrough(servers[i % 3]!, { name: `k${i}` });
    const victim = servers[2]!;
    const victimId = (await healthOf(victim)).processId;
    expect((await listingsIn(redis.url)).some((l) => l.processId === victimId)).toBe(true);

    const killedAt = Date.now();
    victim.child.kill("SIGKILL");
    await vi.waitFor(async () => {
      expect((await listingsIn(redis.url)).some((l) => l.processId === victimId)).toBe(false);
    }, { timeout: 6_000, interval: 200 });
    expect(Date.now() - killedAt).toBeLessThanOrEqual(6_000);

    for (let i = 0; i < 30; i++) {
      const { reservation } = await joinThrough(servers[i % 2]!, { name: `after${i}` });
      expect(reservation.processId).not.toBe(victimId);
    }
  });

  it("drains on SIGTERM: no new rooms land there, its clients get 4001 at the timeout, it exits 0", async () => {
    const redis = await startPrivateRedis();
    const servers = await startCluster(2, redis.url, { DRAIN_TIMEOUT_S: "3" });
    const draining = servers[1]!;
    const drainingId = (await healthOf(draining)).processId;
    // A client on the process that will drain.
    let onDraining: Room | undefined;
    for (let i = 0; i < 8 && onDraining === undefined; i++) {
      const joined = await joinThrough(servers[0]!, { mode: `d${i}` });
      if (joined.reservation.processId === drainingId) onDraining = joined.room;
    }
    expect(onDraining).toBeDefined();
    const closeCode = new Promise<number>((resolve) => onDraining!.onLeave((code) => resolve(code)));

    const exited = draining.stop(15_000);
    await vi.waitFor(async () => expect((await healthOf(draining)).draining).toBe(true), { timeout: 5_000, interval: 50 });
    for (let i = 0; i < 10; i++) {
      const { status, body } = await reserveSeat(servers[0]!, "create", { name: `n${i}` });
      expect(status).toBe(200);
      expect(body.processId).not.toBe(drainingId);
    }
    expect(await closeCode).toBe(4001);
    expect(await exited).toEqual({ code: 0, signal: null });
    expect((await listingsIn(redis.url)).some((l) => l.processId === drainingId)).toBe(false);
  });

  it("a drained process with no rooms left exits at once", async () => {
    const redis = await startPrivateRedis();
    const servers = await startCluster(1, redis.url, { DRAIN_TIMEOUT_S: "60" });
    // By itself, long before its drain timeout: a process still draining is SIGKILLed at the deadline.
    expect(await servers[0]!.stop(10_000)).toEqual({ code: 0, signal: null });
  });

  it("keeps rooms ticking while Redis is down, refuses matchmaking with 503, and recovers within 5 s", async () => {
    const redis = await startPrivateRedis();
    const servers = await startCluster(2, redis.url);
    const { room } = await joinThrough(servers[0]!, { name: "survivor" });

    await firstStateOf([room]);
    await redis.stop();
    await vi.waitFor(async () => expect((await healthOf(servers[0]!)).redis).toBe("down"), { timeout: 3_000, interval: 50 });
    const tickAtOutage = tickOf(room);
    const down = await reserveSeat(servers[0]!, "joinOrCreate", {});
    expect(down.status).toBe(503);
    expect(down.body.error).toMatch(/Redis/);
    await vi.waitFor(() => expect(tickOf(room)).toBeGreaterThan(tickAtOutage + 30), { timeout: 5_000 });

    await redis.start();
    const restartedAt = Date.now();
    await vi.waitFor(async () => {
      const { status } = await reserveSeat(servers[1]!, "joinOrCreate", { mode: "after-outage" });
      expect(status).toBe(200);
    }, { timeout: 5_000, interval: 200 });
    expect(Date.now() - restartedAt).toBeLessThanOrEqual(5_000);
    expect(room.connection.isOpen).toBe(true);
  });

  it("a process added to a running cluster starts receiving new rooms", async () => {
    const redis = await startPrivateRedis();
    const servers = await startCluster(2, redis.url);
    // Six rooms with a player each: a room nobody joins is disposed once its seat reservation expires
    // (SEAT_RESERVATION_S), which a loaded machine can spend starting the newcomer.
    for (let i = 0; i < 6; i++) await joinThrough(servers[0]!, { mode: `before${i}` });
    const newcomer = await startServer({ REDIS_URL: redis.url });
    await waitForProcessRecords(redis.url, 3);
    const newcomerId = (await healthOf(newcomer)).processId;
    const placed = [];
    for (let i = 0; i < 3; i++) placed.push((await reserveSeat(servers[0]!, "create", {})).body.processId);
    expect(placed).toEqual([newcomerId, newcomerId, newcomerId]);
  });
});
