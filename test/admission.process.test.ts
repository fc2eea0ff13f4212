import { Client } from "@colyseus/sdk";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { describe, expect, it, vi } from "vitest";
import { signJoinToken } from "../rooms/joinToken.ts";
import { healthOf, leaveWhenDone, reserveSeat, type SeatReservation } from "./support/cluster.ts";
import { connectRaw } from "./support/rawClient.ts";
import { requireTool } from "./support/requireTool.ts";
import { startNginx } from "./support/nginx.ts";
import { startServer } from "./support/serverProcess.ts";
import { fetchFrom } from "./support/sourceAddress.ts";

const ATTACKER = "127.0.0.2";
const PLAYER = "127.0.0.3";
const SECRET = "admission-test-secret-0123456789-abcdef";
/**
 * The process cap is low, so that a flood without per-address limits fills the process (the attack
 * as observed). A fixed window lets a flood that straddles a minute's edge have twice the limits:
 * 2 x 10 rooms still leaves this process room for the legitimate player.
 */
const LIMITS = { MAX_ROOMS_PER_PROCESS: "30", MAX_ROOMS_PER_ADDRESS_PER_MIN: "10", MAX_JOINS_PER_ADDRESS_PER_MIN: "60" };
const nginxPath = requireTool("nginx");

function matchmake(from: string, baseUrl: string, options: Record<string, unknown>, headers: Record<string, string> = {}) {
  return fetchFrom(from, `${baseUrl}/matchmake/joinOrCreate/arena`, {
    method: "POST", headers: { "content-type": "application/json", accept: "application/json", ...headers }, body: JSON.stringify(options),
  });
}

/** 600 matchmaking requests with unique modes from one address, 50 at a time, never connecting: the statuses. */
async function flood(baseUrl: string): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let batch = 0; batch < 12; batch++) {
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => matchmake(ATTACKER, baseUrl, { mode: `flood-${batch}-${i}` })));
    for (const answer of answers) statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  }
  return statuses;
}

/** 10 rooms a minute (20 across a minute's edge), then 429 for the rest; never "server full". */
function expectCutAtRoomLimit(statuses: Map<number, number>): void {
  const created = statuses.get(200) ?? 0;
  expect(created).toBeGreaterThanOrEqual(10);
  expect(created).toBeLessThanOrEqual(20);
  expect(statuses.get(429)).toBe(600 - created);
}

/** A legitimate player from another address: matchmakes there, then really joins with the SDK. */
async function legitimateJoin(matchmakeUrl: string, wsUrl: string, options: Record<string, unknown>, headers: Record<string, string> = {}) {
  const answer = await matchmake(PLAYER, matchmakeUrl, options, headers);
  const body = await answer.json() as SeatReservation;
  expect(answer.status, JSON.stringify(body)).toBe(200);
  return leaveWhenDone(await new Client(wsUrl).consumeSeatReservation(body as never));
}

describe("matchmaking cannot be exhausted by one source", () => {
  it("a flood of unique modes from one address is cut at its room limit; a player from another address still joins", async () => {
    const server = await startServer({ LOG_LEVEL: "warn", ...LIMITS });
    const statuses = await flood(server.httpUrl);
    expectCutAtRoomLimit(statuses);
    expect((await healthOf(server)).rooms).toBeLessThanOrEqual(20);
    const refused = await (await matchmake(ATTACKER, server.httpUrl, { mode: "one-more" })).json() as { code: number; error: string };
    expect(refused).toMatchObject({ code: 429, error: expect.stringMatching(/too many .* from your address: retry in \d+ s/) });
    // Refusals are logged once per address and limit, not once per request.
    expect(server.logs.filter((l) => l.event === "matchmaking_rate_limited").length).toBeLessThanOrEqual(2);

    await legitimateJoin(server.httpUrl, server.wsUrl, { name: "legit" });
  });

  it("with JOIN_SECRET, a flood without a token is refused at the HTTP step: no room, no seat", async () => {
    const server = await startServer({ LOG_LEVEL: "warn", JOIN_SECRET: SECRET, ...LIMITS });
    const statuses = await flood(server.httpUrl);
    // 525 until the per-address request limit (60 a minute; up to twice that across a minute's edge), then 429.
    expect(statuses.get(525)).toBeGreaterThanOrEqual(60);
    expect(statuses.get(525)).toBeLessThanOrEqual(120);
    expect((statuses.get(525) ?? 0) + (statuses.get(429) ?? 0)).toBe(600);
    expect((await healthOf(server)).rooms).toBe(0);

    const token = await signJoinToken(SECRET, { playerId: "p-legit", name: "Legit" }, 60);
    await legitimateJoin(server.httpUrl, server.wsUrl, { name: "legit" }, { authorization: `Bearer ${token}` });
  });

  it.skipIf(nginxPath === undefined)("through the committed nginx config, limits follow the client address, not the proxy's", async () => {
    // RATE_LIMIT_EXEMPT="" : nginx connects from 127.0.0.1; only the trust model tells the clients apart.
    const server = await startServer({ LOG_LEVEL: "warn", ...LIMITS, TRUSTED_PROXIES: "127.0.0.1", RATE_LIMIT_EXEMPT: "" });
    const nginx = await startNginx({ upstreamPorts: [server.port] });
    expectCutAtRoomLimit(await flood(nginx.url));
    // A forged X-Forwarded-For does not buy the attacker a fresh budget.
    expect((await matchmake(ATTACKER, nginx.url, { mode: "forged" }, { "x-forwarded-for": "203.0.113.77" })).status).toBe(429);
    await legitimateJoin(nginx.url, nginx.wsUrl, { name: "via-nginx" });
  });

  it("an unused seat reservation is freed after SEAT_RESERVATION_S, and its empty room with it", async () => {
    const server = await startServer({ LOG_LEVEL: "warn", SEAT_RESERVATION_S: "2" });
    const { status, body } = await reserveSeat(server, "joinOrCreate", { mode: "never-connects" });
    expect(status).toBe(200);
    expect((await healthOf(server)).rooms).toBe(1);
    await vi.waitFor(async () => expect((await healthOf(server)).rooms).toBe(0), { timeout: 10_000, interval: 200 });
    // The reservation is gone: connecting with it now fails.
    await expect(new Client(server.wsUrl).consumeSeatReservation(body as never)).rejects.toThrow();
  });

  it("join options are checked at the HTTP step: no mode means ffa, a mode outside MODES is refused with 521", async () => {
    const server = await startServer({ LOG_LEVEL: "warn", MODES: "ffa,ctf" });
    const ctf = await reserveSeat(server, "joinOrCreate", { mode: "ctf" });
    const noMode = await reserveSeat(server, "joinOrCreate", {});
    const ffa = await reserveSeat(server, "joinOrCreate", { mode: "ffa" });
    expect([ctf.status, noMode.status, ffa.status]).toEqual([200, 200, 200]);
    expect(noMode.body.roomId).not.toBe(ctf.body.roomId);
    expect(ffa.body.roomId).toBe(noMode.body.roomId);
    const outside = await reserveSeat(server, "joinOrCreate", { mode: "duel" });
    expect(outside).toMatchObject({ status: 521, body: { code: 521, error: "mode: must be one of ffa, ctf" } });
    const malformed = await reserveSeat(server, "create", { mode: "ffa", name: "x".repeat(17) });
    expect(malformed.status).toBe(521);
    expect((await healthOf(server)).rooms).toBe(2);
  });
});

/** A process's resident memory, from /proc. */
function residentBytes(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) * 1024;
}

describe("bodies are bounded on every route", () => {
  /**
   * Streams a body that never ends until the server answers (64 MiB at most, far above any limit);
   * resolves with the status and the bytes sent by then, rejects after 15 s without an answer.
   */
  function streamForever(url: string): Promise<{ status: number; sentBytes: number }> {
    return new Promise((resolve, reject) => {
      let sentBytes = 0;
      let isAnswered = false;
      const deadline = setTimeout(() => {
        req.destroy();
        reject(new Error(`no answer within 15 s after ${sentBytes} bytes`));
      }, 15_000);
      const chunk = Buffer.alloc(1_024, "a");
      const req = request(url, { method: "POST", headers: { "content-type": "application/json" }, localAddress: ATTACKER }, (res) => {
        isAnswered = true;
        clearTimeout(deadline);
        res.resume();
        req.destroy();
        resolve({ status: res.statusCode ?? 0, sentBytes });
      });
      req.on("error", (error) => {
        if (isAnswered) return;
        clearTimeout(deadline);
        reject(error);
      });
      const pump = () => {
        while (!isAnswered && sentBytes < 64 * 1024 * 1024) {
          sentBytes += chunk.length;
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
      };
      pump();
    });
  }

  it.each([
    ["matchmaking (Colyseus' own listener)", "/matchmake/joinOrCreate/arena", 4_096],
    ["an express route", "/healthz", 16_384],
  ])("%s: a body that streams forever gets 413 before it is buffered", async (_name, path, limit) => {
    const server = await startServer({ LOG_LEVEL: "warn" });
    const rssBefore = residentBytes(server.child.pid!);
    const { status, sentBytes } = await streamForever(`${server.httpUrl}${path}`);
    expect(status).toBe(413);
    // Answered while the body was still coming (what arrives after the answer is discarded unread).
    expect(sentBytes).toBeGreaterThan(limit);
    expect(sentBytes).toBeLessThan(64 * 1024 * 1024);
    expect(residentBytes(server.child.pid!) - rssBefore).toBeLessThan(32 * 1024 * 1024);
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });

  it("a declared Content-Length over the limit is refused without reading the body", async () => {
    const server = await startServer({ LOG_LEVEL: "warn" });
    const answer = await fetchFrom(ATTACKER, `${server.httpUrl}/matchmake/joinOrCreate/arena`, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ mode: "ffa", name: "x".repeat(5_000) }),
    });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ error: "request body over 4096 bytes" });
  });
});

describe("logs cannot be amplified", () => {
  it("20,000 junk frames on one socket cost one line; junk on many sockets from one address, a few", async () => {
    const server = await startServer({ LOG_LEVEL: "warn" });
    const junk = Buffer.from([0]);
    for (let socket = 0; socket < 12; socket++) {
      const raw = await connectRaw(server, { mode: "junk" });
      for (let i = 0; i < (socket === 0 ? 20_000 : 50) && raw.ws.readyState === raw.ws.OPEN; i++) raw.ws.send(junk);
      expect(await raw.closed).toBe(4002);
    }
    const refusals = () => server.logs.filter((l) => l.event === "client_refused");
    // Every close has happened (awaited above); give the last lines a moment to be read from the pipe.
    await vi.waitFor(() => expect(refusals().length).toBeGreaterThan(0), { timeout: 5_000 });
    expect(refusals().length).toBeLessThanOrEqual(5);
    expect(refusals()[0]).toMatchObject({ address: "127.0.0.1", reason: "unknown frame type" });
  });
});
