import { Client } from "@colyseus/sdk";
import { createRequire } from "node:module";
import { describe, expect, it, vi } from "vitest";
import { signJoinToken } from "../rooms/joinToken.ts";
import { leaveWhenDone, reserveSeat } from "./support/cluster.ts";
import { familiesOf, parsePrometheus, type PromSample } from "./support/prometheusText.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { startServer, type RunningServer } from "./support/serverProcess.ts";
import { fetchFrom, OTHER_LOOPBACK } from "./support/sourceAddress.ts";

const SECRET = "metrics-test-secret-0123456789-abcdefgh";

/** Every `gameserver_*` family a process exports without Redis; with REDIS_URL, `gameserver_redis_up` too. */
const EMBEDDED_FAMILIES = [
  "gameserver_build_info",
  "gameserver_client_capacity",
  "gameserver_client_rtt_seconds",
  "gameserver_client_send_buffer_max_bytes",
  "gameserver_client_sent_bytes_per_second",
  "gameserver_clients",
  "gameserver_draining",
  "gameserver_inputs_applied_total",
  "gameserver_lagging_clients",
  "gameserver_matchmaking_duration_seconds",
  "gameserver_matchmaking_requests_total",
  "gameserver_patch_duration_seconds",
  "gameserver_patch_frames_sent_total",
  "gameserver_placement_load",
  "gameserver_refused_clients_total",
  "gameserver_room_capacity",
  "gameserver_rooms",
  "gameserver_sent_bytes_total",
  "gameserver_slow_client_closes_total",
  "gameserver_state_size_max_bytes",
  "gameserver_tick_duration_seconds",
  "gameserver_tick_overruns_total",
];

interface Scrape {
  text: string;
  samples: Map<string, PromSample[]>;
  /** The value of `name` with exactly these labels (`{a="b"}`, or "" for none); undefined when absent. */
  value(name: string, labels?: string): number | undefined;
  gameFamilies(): string[];
}

/** GET /metrics on the loopback admin listener, where it lives without a token. */
async function scrape(target: RunningServer): Promise<Scrape> {
  const response = await fetch(`${target.adminUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  expect(response.status).toBe(200);
  const text = await response.text();
  const samples = parsePrometheus(text);
  return {
    text,
    samples,
    value: (name, labels = "") => samples.get(name)?.find((s) => s.labels === labels)?.value,
    gameFamilies: () => [...familiesOf(text)].filter((f) => f.startsWith("gameserver_")).sort(),
  };
}

const arena = '{room_type="arena"}';
const lobby = '{room_type="lobby"}';

function matchmake(server: RunningServer, method: string, options: Record<string, unknown>, from?: string): Promise<Response> {
  const url = `${server.httpUrl}/matchmake/${method}/arena`;
  const init = { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(options) };
  return from === undefined ? fetch(url, init) : fetchFrom(from, url, init);
}

describe("/metrics in each state", { timeout: 60_000 }, () => {
  it("embedded: the exact families, no Redis series, every room type at 0, build info and caps; matchmaking counted by outcome", async () => {
    const server = await startServer({
      JOIN_SECRET: SECRET, MAX_ROOMS_PER_PROCESS: "1", MAX_CLIENTS_PER_PROCESS: "40", MAX_JOINS_PER_ADDRESS_PER_MIN: "1",
      // The one room below outlives the test's checks, and the stop does not wait for it.
      SEAT_RESERVATION_S: "60", DRAIN_TIMEOUT_S: "0",
    });
    const idle = await scrape(server);
    expect(idle.gameFamilies()).toEqual(EMBEDDED_FAMILIES);
    // Present with a value, not only declared: a histogram by its _count.
    for (const family of EMBEDDED_FAMILIES) {
      expect(idle.samples.has(family) || idle.samples.has(`${family}_count`), family).toBe(true);
    }
    expect(idle.text).not.toContain("gameserver_redis_up");
    for (const name of ["gameserver_rooms", "gameserver_clients"]) {
      expect(idle.value(name, arena), name).toBe(0);
      expect(idle.value(name, lobby), name).toBe(0);
    }
    for (const name of ["gameserver_lagging_clients", "gameserver_client_send_buffer_max_bytes", "gameserver_tick_overruns_total", "gameserver_slow_client_closes_total"]) {
      expect(idle.value(name, arena), name).toBe(0);
    }
    expect(idle.value("gameserver_draining")).toBe(0);
    expect(idle.value("gameserver_client_capacity")).toBe(40);
    expect(idle.value("gameserver_room_capacity")).toBe(1);
    const require = createRequire(import.meta.url);
    const version = (path: string) => (require(path) as { version: string }).version;
    // The server runs on the same Node as this test (serverProcess spawns process.execPath).
    expect(idle.value("gameserver_build_info", `{version="${version("../package.json")}",node="${process.version}",colyseus="${version("@colyseus/core/package.json")}"}`)).toBe(1);
    expect(idle.value("gameserver_matchmaking_requests_total", '{method="joinOrCreate",outcome="ok"}')).toBe(0);
    expect(idle.value("gameserver_matchmaking_duration_seconds_count", '{outcome="unavailable"}')).toBe(0);

    // One request per outcome this process can give without Redis; the statuses say which each got.
    const token = await signJoinToken(SECRET, { playerId: "p1", name: "One" }, 60);
    const answers: { method: string; status: number }[] = [];
    const send = async (method: string, options: Record<string, unknown>, from?: string) => {
      answers.push({ method, status: (await matchmake(server, method, options, from)).status });
    };
    await send("create", { mode: "first", token });
    await send("create", { mode: "second", token }); // past MAX_ROOMS_PER_PROCESS
    await send("joinOrCreate", { mode: "first" }); // no join token
    await send("joinOrCreate", { mode: "Not A Mode", token });
    await send("steal", { token }); // no such matchmaking method
    // One per minute from this address (a fixed window: three in a row pass at most two).
    for (let i = 0; i < 3; i++) await send("joinOrCreate", { mode: "first" }, OTHER_LOOPBACK);
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([200, 503, 525, 521, 520]);
    expect(answers.slice(5).map((a) => a.status)).toContain(429);

    const outcomeOf = new Map([[200, "ok"], [503, "full"], [525, "refused"], [521, "invalid"], [520, "invalid"], [429, "rate_limited"]]);
    const expected = new Map<string, number>();
    for (const { method, status } of answers) {
      const key = `{method="${method === "steal" ? "other" : method}",outcome="${outcomeOf.get(status)}"}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const after = await scrape(server);
    const counted = new Map((after.samples.get("gameserver_matchmaking_requests_total") ?? []).filter((s) => s.value > 0).map((s) => [s.labels, s.value]));
    expect(counted).toEqual(expected);
    expect(after.value("gameserver_matchmaking_duration_seconds_count", '{outcome="ok"}')).toBe(1);
    expect(after.value("gameserver_matchmaking_duration_seconds_count", '{outcome="full"}')).toBe(1);
    // The reserved room counts (nobody connected to it yet); the lobby has none.
    await vi.waitFor(async () => {
      const now = await scrape(server);
      expect([now.value("gameserver_rooms", arena), now.value("gameserver_clients", arena)]).toEqual([1, 0]);
      expect(now.value("gameserver_rooms", lobby)).toBe(0);
    }, { timeout: 5_000, interval: 200 });
  });

  it("with Redis: gameserver_redis_up 1, 0 while Redis is down (matchmaking counted unavailable), 1 again when it is back", async () => {
    const redis = await startPrivateRedis();
    const server = await startServer({ REDIS_URL: redis.url });
    const up = await scrape(server);
    expect(up.gameFamilies()).toEqual([...EMBEDDED_FAMILIES, "gameserver_redis_up"].sort());
    expect(up.value("gameserver_redis_up")).toBe(1);

    await redis.stop();
    await vi.waitFor(async () => expect((await scrape(server)).value("gameserver_redis_up")).toBe(0), { timeout: 5_000, interval: 200 });
    expect((await reserveSeat(server, "joinOrCreate", { mode: "down" })).status).toBe(503);
    const down = await scrape(server);
    expect(down.value("gameserver_matchmaking_requests_total", '{method="joinOrCreate",outcome="unavailable"}')).toBe(1);
    expect(down.value("gameserver_matchmaking_requests_total", '{method="joinOrCreate",outcome="ok"}')).toBe(0);

    await redis.start();
    await vi.waitFor(async () => expect((await scrape(server)).value("gameserver_redis_up")).toBe(1), { timeout: 10_000, interval: 200 });
  });

  it("draining: gameserver_draining 1 while a player holds its room open, which still counts", async () => {
    const server = await startServer({ DRAIN_TIMEOUT_S: "30" });
    leaveWhenDone(await new Client(server.wsUrl).joinOrCreate("arena", { name: "stays" }));
    await vi.waitFor(async () => {
      const playing = await scrape(server);
      expect([playing.value("gameserver_rooms", arena), playing.value("gameserver_clients", arena), playing.value("gameserver_draining")]).toEqual([1, 1, 0]);
    }, { timeout: 5_000, interval: 200 });

    server.child.kill("SIGTERM");
    await vi.waitFor(async () => expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(503), { timeout: 5_000, interval: 100 });
    await vi.waitFor(async () => {
      const draining = await scrape(server);
      expect([draining.value("gameserver_rooms", arena), draining.value("gameserver_clients", arena), draining.value("gameserver_draining")]).toEqual([1, 1, 1]);
      expect(draining.value("gameserver_rooms", lobby)).toBe(0);
    }, { timeout: 5_000, interval: 200 });
  });
});
