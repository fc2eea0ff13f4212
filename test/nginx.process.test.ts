import { Client, type Room } from "@colyseus/sdk";
import { once } from "node:events";
import { readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { freePort } from "../loadtest/ports.ts";
import { leaveWhenDone, type Health, type SeatReservation } from "./support/cluster.ts";
import { checkNginxConfig, NGINX_CONFIG_PATH, renderNginxConfig, renderNginxInto, startNginx } from "./support/nginx.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { requireTool } from "./support/requireTool.ts";
import { startServer, type RunningServer } from "./support/serverProcess.ts";
import { fetchFrom, OTHER_LOOPBACK, wsFrom } from "./support/sourceAddress.ts";
import { stopWhenDone } from "./support/teardown.ts";

const hasNginx = requireTool("nginx") !== undefined;

/** What an upstream saw of one request. */
interface Seen {
  upstream: number;
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  peer: string | undefined;
}

interface Echo {
  port: number;
  seen: Seen[];
}

/**
 * A stand-in for a game process that records every request and WebSocket upgrade it receives, so
 * the tests see exactly what the proxy forwards. `/stream` writes two events and holds the response open.
 * Closed when the test ends.
 */
async function startEcho(upstream: number): Promise<Echo> {
  const seen: Seen[] = [];
  const record = (req: IncomingMessage) => {
    const entry = { upstream, method: req.method ?? "", url: req.url ?? "", headers: req.headers, peer: req.socket.remoteAddress };
    seen.push(entry);
    return entry;
  };
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const entry = record(req);
    req.resume();
    if (req.url?.endsWith("/stream")) {
      open.add(res);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      // A later event travels alone, as a live stream's do.
      const later = setTimeout(() => res.write("data: second\n\n"), 200);
      res.on("close", () => clearTimeout(later));
      return;
    }
    res.setHeader("content-type", "application/json");
    req.on("end", () => res.end(JSON.stringify(entry)));
  });
  const wss = new WebSocketServer({ server });
  wss.on("connection", (ws, req) => {
    ws.send(JSON.stringify(record(req)));
    ws.on("message", (data) => ws.send(`echo:${String(data)}`));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  stopWhenDone(async () => {
    for (const res of open) res.destroy();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  });
  return { port: (server.address() as AddressInfo).port, seen };
}

async function startEchoes(count: number): Promise<Echo[]> {
  const echoes: Echo[] = [];
  for (let i = 1; i <= count; i++) echoes.push(await startEcho(i));
  return echoes;
}

/** A WebSocket from `from` to `url`, terminated when the test ends. */
function socketFrom(from: string, url: string): WebSocket {
  const ws = wsFrom(from, url);
  stopWhenDone(() => ws.terminate());
  return ws;
}

describe("the committed nginx config's substitution convention", () => {
  const stateDir = "/tmp/rendered-state";

  it("changes only the marked lines, and leaves no system path in a rendered copy", async () => {
    const template = await readFile(NGINX_CONFIG_PATH, "utf8");
    const rendered = renderNginxConfig(template, { listen: "127.0.0.1:40000", processes: ["127.0.0.1:41001", "127.0.0.1:41002"], stateDir });
    const before = template.split("\n");
    const after = rendered.split("\n");
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [i]));
    for (const i of changed) expect(before[i], `line ${i + 1} changed but carries no marker`).toMatch(/#\s*@(listen|process \d+|state)\s*$/);
    expect(rendered).toContain("listen 127.0.0.1:40000;");
    expect(rendered.match(/server 127\.0\.0\.1:41001;/g)).toHaveLength(2);
    expect(rendered.match(/server 127\.0\.0\.1:41002;/g)).toHaveLength(2);
    const uncommented = after.map((l) => l.replace(/#.*$/, "")).join("\n");
    expect(uncommented).not.toMatch(/\/(var|run|usr|etc)\//);
    expect(uncommented).not.toContain(":2567");
  });

  it("drops the lines of processes it is not given, and refuses more processes than the file routes", async () => {
    const template = await readFile(NGINX_CONFIG_PATH, "utf8");
    const one = renderNginxConfig(template, { listen: "8080", processes: ["10.0.0.5:2567"], stateDir });
    expect(one).toContain("location /p1/");
    expect(one).not.toContain("/p2/");
    expect(one).not.toContain("gameserver_p2");
    expect(() => renderNginxConfig(template, { listen: "8080", processes: ["a:1", "b:2", "c:3"], stateDir })).toThrow(/no "# @process 3" lines/);
  });
});

describe("a source address other than 127.0.0.1", () => {
  it("is what a local server sees as the peer, over HTTP and WebSocket", async () => {
    const [echo] = await startEchoes(1);
    const response = await fetchFrom(OTHER_LOOPBACK, `http://127.0.0.1:${echo!.port}/probe`, { method: "POST", body: "hello" });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Seen).peer).toBe(OTHER_LOOPBACK);

    const ws = socketFrom(OTHER_LOOPBACK, `ws://127.0.0.1:${echo!.port}/socket`);
    const [first] = await once(ws, "message");
    expect((JSON.parse(String(first)) as Seen).peer).toBe(OTHER_LOOPBACK);
  });
});

describe.skipIf(!hasNginx)("nginx with the committed config", () => {
  it("passes nginx -t as rendered for two processes and for one", async () => {
    for (const processes of [["127.0.0.1:2567", "127.0.0.1:2568"], ["127.0.0.1:2567"]]) {
      const { dir, configPath } = await renderNginxInto(processes, `127.0.0.1:${await freePort()}`);
      stopWhenDone(() => rm(dir, { recursive: true, force: true }));
      const check = checkNginxConfig(configPath);
      expect(check.output).toContain("test is successful");
      expect(check.isOk).toBe(true);
    }
  });

  it("states the client address itself, whatever forwarding headers the client sent", async () => {
    const [first] = await startEchoes(1);
    const nginx = await startNginx({ upstreamPorts: [first!.port] });
    const response = await fetchFrom(OTHER_LOOPBACK, `${nginx.url}/matchmake/whatever?x=1`, {
      headers: { "x-forwarded-for": "203.0.113.9", forwarded: "for=203.0.113.9", "x-forwarded-proto": "https" },
    });
    expect(response.status).toBe(200);
    const seen = (await response.json()) as Seen;
    expect(seen.url).toBe("/matchmake/whatever?x=1");
    expect(seen.headers["x-forwarded-for"]).toBe(OTHER_LOOPBACK);
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
    expect(seen.headers.forwarded).toBeUndefined();
    // The Host the client used, port included (the admin surface compares it with Origin).
    expect(seen.headers.host).toBe(`127.0.0.1:${nginx.port}`);
    expect(seen.peer).toBe("127.0.0.1");
    // nginx logs a request after answering it.
    await vi.waitFor(async () => expect((await nginx.accessLog()).some((line) => line.startsWith(`${OTHER_LOOPBACK} `))).toBe(true), { timeout: 2_000 });
  });

  it("routes /pN/ to process N with the prefix stripped, WebSocket upgrades included", async () => {
    const [first, second] = await startEchoes(2);
    const nginx = await startNginx({ upstreamPorts: [first!.port, second!.port] });
    for (const [path, upstream, url] of [["/p1/abc/def?q=1", 1, "/abc/def?q=1"], ["/p2/abc", 2, "/abc"]] as const) {
      const seen = (await (await fetch(`${nginx.url}${path}`)).json()) as Seen;
      expect({ upstream: seen.upstream, url: seen.url }).toEqual({ upstream, url });
    }

    const ws = socketFrom(OTHER_LOOPBACK, `${nginx.wsUrl}/p2/processId/roomId?sessionId=s`);
    const [hello] = await once(ws, "message");
    const upgrade = JSON.parse(String(hello)) as Seen;
    expect(upgrade).toMatchObject({ upstream: 2, url: "/processId/roomId?sessionId=s" });
    expect(upgrade.headers["x-forwarded-for"]).toBe(OTHER_LOOPBACK);
    ws.send("ping");
    const [echoed] = await once(ws, "message");
    expect(String(echoed)).toBe("echo:ping");
  });

  it("bounds request bodies, answers /metrics itself, and delivers the admin event stream live", async () => {
    const [first] = await startEchoes(1);
    const nginx = await startNginx({ upstreamPorts: [first!.port] });
    const post = (bytes: number) => fetch(`${nginx.url}/matchmake/joinOrCreate/arena`, { method: "POST", body: "x".repeat(bytes) });
    expect((await post(1_000)).status).toBe(200);
    expect((await post(17 * 1024)).status).toBe(413);

    const requestsBefore = first!.seen.length;
    for (const path of ["/metrics", "/p1/metrics", "/METRICS/"]) expect((await fetch(`${nginx.url}${path}`)).status, path).toBe(404);
    expect(first!.seen.length).toBe(requestsBefore);

    // The stand-in writes two events 200 ms apart and holds the response open, without
    // X-Accel-Buffering. (nginx 1.22 passed such events on promptly even with proxy_buffering on,
    // so this checks that the stream is live through the proxy, not that one directive.)
    const stream = await fetch(`${nginx.url}/admin/api/stream`, { signal: AbortSignal.timeout(3_000) });
    const reader = stream.body!.getReader();
    let received = "";
    try {
      while (!received.includes("data: second")) received += new TextDecoder().decode((await reader.read()).value);
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    expect(received).toContain("data: first");
  });
});

describe.skipIf(!hasNginx)("nginx in front of real game server processes", () => {
  it("answers /healthz and carries an SDK client's WebSocket to a room that sends state", async () => {
    const port = await freePort();
    const nginx = await startNginx({ upstreamPorts: [port] });
    await startServer({ PORT: String(port) });

    const health = await fetch(`${nginx.url}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as Health).status).toBe("ok");

    const room = leaveWhenDone(await new Client(nginx.url).joinOrCreate("arena", { name: "proxied" }));
    await vi.waitFor(() => expect((room.state as any).players?.get(room.sessionId)?.name).toBe("proxied"), { timeout: 5_000 });
    const firstTick = (room.state as { tick: number }).tick;
    await vi.waitFor(() => expect((room.state as { tick: number }).tick).toBeGreaterThan(firstTick + 5), { timeout: 5_000 });
  });

  it("serves a client from another address, and the operator surface with the token and a same-origin request", async () => {
    const port = await freePort();
    const nginx = await startNginx({ upstreamPorts: [port] });
    const token = "nginx-test-admin-token-0123";
    await startServer({ PORT: String(port), ADMIN_TOKEN: token });

    expect((await fetchFrom(OTHER_LOOPBACK, `${nginx.url}/healthz`)).status).toBe(200);
    await vi.waitFor(async () => {
      expect((await nginx.accessLog()).some((line) => line.startsWith(`${OTHER_LOOPBACK} `) && line.includes("GET /healthz"))).toBe(true);
    }, { timeout: 2_000 });

    // A browser on the proxy's origin (non-default port) sends Origin; the server must see a matching Host.
    const announce = (authorization?: string) => fetchFrom(OTHER_LOOPBACK, `${nginx.url}/admin/api/announce`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: nginx.url, ...(authorization === undefined ? {} : { authorization }) },
      body: JSON.stringify({ text: "through the proxy" }),
    });
    expect((await announce()).status).toBe(401);
    const accepted = await announce(`Bearer ${token}`);
    expect(accepted.status, await accepted.clone().text()).toBe(200);
    expect(await accepted.json()).toEqual({ sent: true });
  });

  it("routes each process's public address /pN to that process, so joins land on both", async () => {
    const redis = await startPrivateRedis();
    const ports = [await freePort(), await freePort()];
    const nginx = await startNginx({ upstreamPorts: ports });
    const servers: RunningServer[] = [];
    for (const [i, port] of ports.entries()) {
      servers.push(await startServer({ PORT: String(port), REDIS_URL: redis.url, PUBLIC_ADDRESS: `127.0.0.1:${nginx.port}/p${i + 1}` }));
    }
    const processIds = await Promise.all(servers.map(async (s) => ((await (await fetch(`${s.httpUrl}/healthz`)).json()) as Health).processId));
    for (const [i, processId] of processIds.entries()) {
      const viaPrefix = (await (await fetch(`${nginx.url}/p${i + 1}/healthz`)).json()) as Health;
      expect(viaPrefix.processId).toBe(processId);
    }

    // Matchmake through the proxy until a room exists on each process (placement alternates; bounded).
    const client = new Client(nginx.url);
    const rooms: Room[] = [];
    const reached = new Set<string>();
    for (let i = 0; i < 6 && reached.size < 2; i++) {
      const response = await fetch(`${nginx.url}/matchmake/create/arena`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ mode: `m${i}` }),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      const reservation = (await response.json()) as SeatReservation;
      const n = processIds.indexOf(reservation.processId) + 1;
      expect(reservation.publicAddress).toBe(`127.0.0.1:${nginx.port}/p${n}`);
      rooms.push(leaveWhenDone(await client.consumeSeatReservation(reservation as never)));
      reached.add(reservation.processId);
    }
    expect(reached.size).toBe(2);
    const tickOf = (room: Room) => (room.state as { tick?: number }).tick ?? -1;
    await vi.waitFor(() => rooms.forEach((r) => expect(tickOf(r)).toBeGreaterThanOrEqual(0)), { timeout: 5_000 });
    const ticks = rooms.map(tickOf);
    await vi.waitFor(() => rooms.forEach((r, i) => expect(tickOf(r)).toBeGreaterThan(ticks[i]!)), { timeout: 5_000 });
  });
});
