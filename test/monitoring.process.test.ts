import { Client, type Room } from "@colyseus/sdk";
import { request } from "node:http";
import { describe, expect, it, vi } from "vitest";
import { healthOf, joinThrough, leaveWhenDone, startCluster } from "./support/cluster.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { parsePrometheus } from "./support/prometheusText.ts";
import { startServer } from "./support/serverProcess.ts";

const TOKEN = "monitoring-test-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };

describe("metrics and the admin API", () => {
  it("guards the API with the token: 401 without, 200 with", async () => {
    const server = await startServer({ ADMIN_TOKEN: TOKEN });
    const base = server.httpUrl;
    expect((await fetch(`${base}/admin/api/cluster`)).status).toBe(401);
    expect((await fetch(`${base}/admin/api/cluster`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    expect((await fetch(`${base}/admin/api/cluster`, { headers: auth })).status).toBe(200);
    expect(await (await fetch(`${base}/admin/api/auth`)).json()).toEqual({ required: true, loopbackOnly: false, authenticated: false });

    // The login form's session cookie works in place of the bearer token.
    const login = await fetch(`${base}/admin/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: TOKEN }) });
    expect(login.status).toBe(204);
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    expect(cookie).not.toContain(TOKEN);
    expect((await fetch(`${base}/admin/api/cluster`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${base}/admin/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: "nope" }) })).status).toBe(401);
  });

  it("refuses other origins, even with valid credentials, and sends them no CORS grant", async () => {
    const server = await startServer();
    const base = server.adminUrl;
    // No ADMIN_TOKEN: the loopback admin listener only, and a web page elsewhere must not reach it through the operator's browser.
    const evil = await fetch(`${base}/admin/api/cluster`, { headers: { origin: "http://evil.example" } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    const action = await fetch(`${base}/admin/api/announce`, {
      method: "POST", headers: { origin: "http://evil.example", "content-type": "application/json" }, body: JSON.stringify({ text: "pwned" }),
    });
    expect(action.status).toBe(403);
    // A DNS-rebound name reaches the loopback port with a foreign Host (fetch cannot set Host; http can).
    const reboundStatus = await new Promise<number>((resolve, reject) => {
      request({ host: "127.0.0.1", port: Number(new URL(base).port), path: "/admin/api/cluster", headers: { host: "attacker.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on("error", reject).end();
    });
    expect(reboundStatus).toBe(403);
    const own = await fetch(`${base}/admin/api/cluster`, { headers: { origin: base } });
    expect(own.status).toBe(200);
    expect(own.headers.get("cache-control")).toBe("no-store");
  });

  it("serves /metrics as Prometheus text with sane gameserver_* values after a room ticked", async () => {
    const server = await startServer({ METRICS_TOKEN: TOKEN });
    const base = server.httpUrl;
    leaveWhenDone(await new Client(server.wsUrl).joinOrCreate("arena", { name: "metered" }));
    expect((await fetch(`${base}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);

    await vi.waitFor(async () => {
      const samples = parsePrometheus(await (await fetch(`${base}/metrics`, { headers: auth })).text());
      const ticks = samples.get("gameserver_tick_duration_seconds_count")?.find((s) => s.labels.includes('room_type="arena"'));
      expect(ticks?.value).toBeGreaterThan(30);
      const tickSum = samples.get("gameserver_tick_duration_seconds_sum")![0]!.value;
      expect(tickSum / ticks!.value).toBeGreaterThan(0);
      expect(tickSum / ticks!.value).toBeLessThan(0.05); // a tick of one player takes well under 50 ms
      const arena = (name: string) => samples.get(name)?.find((s) => s.labels === '{room_type="arena"}')?.value;
      expect(arena("gameserver_clients")).toBe(1);
      expect(arena("gameserver_rooms")).toBe(1);
      expect(samples.get("gameserver_sent_bytes_total")?.[0]?.value).toBeGreaterThan(0);
      expect(samples.get("gameserver_patch_frames_sent_total")?.[0]?.value).toBeGreaterThan(0);
      expect(samples.get("gameserver_client_rtt_seconds_count")?.[0]?.value).toBeGreaterThan(0);
      expect(samples.get("gameserver_draining")?.[0]?.value).toBe(0);
      expect(samples.get("process_resident_memory_bytes")?.[0]?.value).toBeGreaterThan(10_000_000);
      expect(samples.has("nodejs_eventloop_lag_p99_seconds")).toBe(true);
    }, { timeout: 8_000, interval: 250 });
  });

  it("streams a cluster snapshot within 2 s of connecting", async () => {
    const server = await startServer({ ADMIN_TOKEN: TOKEN });
    const controller = new AbortController();
    const startedAt = Date.now();
    const response = await fetch(`${server.httpUrl}/admin/api/stream`, { headers: auth, signal: controller.signal });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = response.body!.getReader();
    let text = "";
    while (!text.includes("event: cluster\ndata: ")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    const data = JSON.parse(text.split("event: cluster\ndata: ")[1]!.split("\n")[0]!);
    expect(data.processes).toHaveLength(1);
    expect(data.processes[0].stale).toBe(false);
    controller.abort();
  });

  it("lets an operator inspect a room on another process, kick a client and dispose the room", async () => {
    const redis = await startPrivateRedis();
    const servers = await startCluster(2, redis.url, { ADMIN_TOKEN: TOKEN });
    const otherId = (await healthOf(servers[1]!)).processId;
    const rooms: Room[] = [];
    let target: Room | undefined;
    for (let i = 0; i < 6 && target === undefined; i++) {
      const joined = await joinThrough(servers[0]!, { mode: `ops${i}`, name: `op${i}` });
      rooms.push(joined.room);
      if (joined.reservation.processId === otherId) target = joined.room;
    }
    expect(target).toBeDefined();
    const second = leaveWhenDone(await new Client(servers[0]!.wsUrl).joinById(target!.roomId, { name: "second" }));
    const base = servers[0]!.httpUrl;

    await vi.waitFor(async () => {
      const detail = await (await fetch(`${base}/admin/api/rooms/${target!.roomId}`, { headers: auth })).json();
      expect(detail.processId).toBe(otherId);
      expect(detail.clients.map((c: { name: string }) => c.name).sort()).toEqual(["op" + rooms.indexOf(target!), "second"].sort());
      // Two players in view with their names: far more than the empty shell of the state.
      expect(detail.stateSizeBytes).toBeGreaterThan(40);
      expect(detail.tick.simMicros.length).toBeGreaterThan(0);
      expect(Object.keys(detail.state.players)).toHaveLength(2);
    }, { timeout: 5_000, interval: 250 });

    const unknown = await fetch(`${base}/admin/api/rooms/${target!.roomId}/kick`, {
      method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ sessionId: "nobody" }),
    });
    expect(unknown.status).toBe(404);
    const kicked = new Promise<number>((resolve) => second.onLeave((code) => resolve(code)));
    const kick = await fetch(`${base}/admin/api/rooms/${target!.roomId}/kick`, {
      method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ sessionId: second.sessionId }),
    });
    expect(await kick.json()).toEqual({ kicked: true });
    expect(await kicked).toBe(4102);

    const closed = new Promise<number>((resolve) => target!.onLeave((code) => resolve(code)));
    const dispose = await fetch(`${base}/admin/api/rooms/${target!.roomId}/dispose`, { method: "POST", headers: auth });
    expect(await dispose.json()).toEqual({ disposed: true });
    expect(await closed).toBe(4101);
    await vi.waitFor(async () => {
      const view = await (await fetch(`${base}/admin/api/cluster`, { headers: auth })).json();
      expect(view.rooms.some((r: { roomId: string }) => r.roomId === target!.roomId)).toBe(false);
    }, { timeout: 5_000, interval: 250 });
  });

  it("marks a stopped process stale within 5 s", async () => {
    const redis = await startPrivateRedis();
    const servers = await startCluster(2, redis.url, { ADMIN_TOKEN: TOKEN });
    const frozen = servers[1]!;
    const frozenId = (await healthOf(frozen)).processId;
    const clusterFrom0 = async () => (await fetch(`${servers[0]!.httpUrl}/admin/api/cluster`, { headers: auth })).json();
    await vi.waitFor(async () => {
      expect((await clusterFrom0()).processes.find((p: { processId: string }) => p.processId === frozenId)?.stale).toBe(false);
    }, { timeout: 5_000, interval: 200 });

    frozen.child.kill("SIGSTOP");
    const stoppedAt = Date.now();
    await vi.waitFor(async () => {
      expect((await clusterFrom0()).processes.find((p: { processId: string }) => p.processId === frozenId)?.stale).toBe(true);
    }, { timeout: 5_000, interval: 200 });
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(5_000);
  });
});
