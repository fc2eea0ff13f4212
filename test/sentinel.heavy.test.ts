import { Client, type Room } from "@colyseus/sdk";
import { describe, expect, it, vi } from "vitest";
import { leaveWhenDone, reserveSeat, type SeatReservation } from "./support/cluster.ts";
import { requireTool } from "./support/requireTool.ts";
import { PRIMARY_NAME, startSentinelGroup } from "./support/redisSentinel.ts";
import { startServer, type RunningServer } from "./support/serverProcess.ts";

// Two game servers on a Sentinel-watched primary (one replica, three Sentinels, all real, on free
// ports). The primary is SIGKILLed with players in rooms on both servers: the rooms must keep
// ticking, matchmaking must refuse with 503 only until the Sentinels promote the replica, and then
// everything that crosses Redis (joins, placement on both processes, DMs) must work again, with
// neither server restarted.

const hasTools = requireTool("redis-server", "apt-get install -y redis-server") !== undefined
  && requireTool("redis-sentinel", "apt-get install -y redis-sentinel") !== undefined;
/** The failover target is 10 s; this only bounds a hung one. */
const FAILOVER_DEADLINE_MS = 45_000;

const tickOf = (room: Room) => (room.state as { tick?: number }).tick ?? -1;

async function join(server: RunningServer, mode: string, name: string): Promise<{ room: Room; reservation: SeatReservation }> {
  const { status, body } = await reserveSeat(server, "joinOrCreate", { mode, name });
  if (status !== 200) throw new Error(`matchmaking answered ${status}: ${JSON.stringify(body)}`);
  const room = leaveWhenDone(await new Client(server.wsUrl).consumeSeatReservation(body as never));
  await vi.waitFor(() => expect(tickOf(room)).toBeGreaterThan(0), { timeout: 5_000 });
  return { room, reservation: body };
}

/** Joins new rooms (one mode each) until one lands on a process other than `processId`: placement spreads them. */
async function joinElsewhere(server: RunningServer, processId: string, name: string) {
  for (let i = 0; i < 6; i++) {
    const joined = await join(server, `${name}-${i}`, name);
    if (joined.reservation.processId !== processId) return joined;
  }
  throw new Error("every new room landed on one process: placement does not see both");
}

/** What each server logged about Redis and the cluster's records: the story of a failed recovery. */
function clusterEvents(servers: RunningServer[]): string {
  return servers.map((server, i) => `server ${i}: ` + server.logs
    .filter((line) => /^(redis|process|restore)_/.test(String(line.event)))
    .map((line) => `${String(line.event)}${line.processId === undefined ? "" : ` ${String(line.processId)}`}${line.reason === undefined ? "" : ` (${String(line.reason)})`}`)
    .join(", ")).join("; ");
}

async function dmDelivered(from: Room, to: Room, toPlayerId: string, text: string): Promise<void> {
  const received = new Promise<{ text: string }>((resolve) => to.onMessage("dm", resolve));
  await expect(from.request("dm", { to: toPlayerId, text })).resolves.toEqual({ delivered: true });
  expect((await received).text).toBe(text);
}

describe.skipIf(!hasTools)("Redis Sentinel: the primary dies under play", { timeout: 120_000 }, () => {
  it("fails over to the replica: rooms tick throughout, matchmaking answers 503 until then, and joins, placement and DMs come back", async () => {
    const group = await startSentinelGroup();
    const watcher = group.connect();
    const servers = await Promise.all([0, 1].map(() => startServer({
      REDIS_SENTINELS: group.sentinelsEnv, REDIS_SENTINEL_NAME: PRIMARY_NAME,
      REDIS_COMMAND_TIMEOUT_MS: "1000", LOG_LEVEL: "info",
    })));
    await vi.waitFor(async () => expect(await watcher.hlen("gs:processes")).toBe(2), { timeout: 10_000, interval: 100 });

    const ada = await join(servers[0]!, "before", "ada");
    const bob = await joinElsewhere(servers[0]!, ada.reservation.processId, "bob");
    // A player's id is its session id without a JOIN_SECRET.
    await dmDelivered(ada.room, bob.room, bob.room.sessionId, "before the failover");
    const pids = servers.map((s) => s.child.pid);

    await group.killPrimary();
    const killedAt = Date.now();
    const ticksAtKill = [ada.room, bob.room].map(tickOf);

    // Matchmaking through either server: 503 (never another error) until the new primary answers.
    const refusals: number[] = [];
    let joined: { room: Room; reservation: SeatReservation } | undefined;
    for (let attempt = 0; joined === undefined; attempt++) {
      if (Date.now() - killedAt > FAILOVER_DEADLINE_MS) throw new Error(`no join within ${FAILOVER_DEADLINE_MS / 1000} s of the kill (refusals: ${refusals.join(",")})`);
      const server = servers[attempt % 2]!;
      const { status, body } = await reserveSeat(server, "joinOrCreate", { mode: "after", name: "carol" });
      if (status === 200) {
        const room = leaveWhenDone(await new Client(server.wsUrl).consumeSeatReservation(body as never));
        joined = { room, reservation: body };
      } else {
        refusals.push(status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const failoverMs = Date.now() - killedAt;
    console.log(`sentinel failover: first join ${failoverMs} ms after the primary was killed, ${refusals.length} refusals before it`);
    expect(refusals.length, "no join was refused while the primary was gone").toBeGreaterThan(0);
    expect(refusals.filter((status) => status !== 503)).toEqual([]);
    expect(await group.currentPrimary()).toBe(`127.0.0.1:${group.replicaPort}`);

    // The rooms never stopped: each advanced at least a second of ticks (30 Hz) past the kill.
    await vi.waitFor(() => [ada.room, bob.room].forEach((room, i) => expect(tickOf(room)).toBeGreaterThan(ticksAtKill[i]! + 30)), { timeout: 5_000 });
    expect(ada.room.connection.isOpen && bob.room.connection.isOpen).toBe(true);

    // Both processes re-published their records on the new primary, and placement uses both.
    await vi.waitFor(async () => {
      const records = Object.values(await watcher.hgetall("gs:processes")).map((json) => JSON.parse(json) as { processId: string; updatedAtMs: number });
      expect(records.map((r) => r.processId).sort(), clusterEvents(servers)).toEqual([ada.reservation.processId, bob.reservation.processId].sort());
      for (const record of records) expect(record.updatedAtMs, clusterEvents(servers)).toBeGreaterThan(killedAt + failoverMs);
    }, { timeout: 10_000, interval: 200 });
    const listed = Object.keys(await watcher.hgetall("roomcaches"));
    expect(listed).toEqual(expect.arrayContaining([ada.room.roomId, bob.room.roomId, joined.room.roomId]));
    await joinElsewhere(servers[1]!, joined.reservation.processId, "dave");

    // Direct messages cross processes again, both ways.
    await dmDelivered(ada.room, bob.room, bob.room.sessionId, "after the failover");
    await dmDelivered(bob.room, ada.room, ada.room.sessionId, "and back");

    console.log(`sentinel failover, what the servers logged: ${clusterEvents(servers)}`);
    // Nothing restarted: the same two server processes, both on Redis again.
    expect(servers.map((s) => s.child.pid)).toEqual(pids);
    expect(servers.every((s) => s.child.exitCode === null)).toBe(true);
    for (const server of servers) {
      const health = (await (await fetch(`${server.httpUrl}/healthz`)).json()) as { redis: string };
      expect(health.redis).toBe("ok");
    }
  });
});
