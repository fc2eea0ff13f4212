import { describe, expect, it, vi } from "vitest";
import { startCluster } from "./support/cluster.ts";
import { startNginx } from "./support/nginx.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { requireTool } from "./support/requireTool.ts";
import { startServer, type RunningServer } from "./support/serverProcess.ts";
import { fetchFrom, OTHER_LOOPBACK } from "./support/sourceAddress.ts";

const TOKEN = "admin-access-test-token-0123456789";
const OPERATOR = "127.0.0.3";
const nginxPath = requireTool("nginx");

const json = { "content-type": "application/json" };

/** The operator surface as an outsider would probe it: reads, the panel page, an action, metrics. */
async function probe(from: string, base: string, headers: Record<string, string> = {}): Promise<Record<string, number>> {
  const status = async (path: string, init: { method?: string; body?: string } = {}) =>
    (await fetchFrom(from, `${base}${path}`, { ...init, headers: { ...json, ...headers } })).status;
  return {
    cluster: await status("/admin/api/cluster"),
    panel: await status("/panel/"),
    announce: await status("/admin/api/announce", { method: "POST", body: JSON.stringify({ text: "pwned" }) }),
    metrics: await status("/metrics"),
  };
}

describe("admin and metrics without ADMIN_TOKEN: only on the loopback admin listener", () => {
  it.skipIf(nginxPath === undefined)("through a same-host nginx, from another address and from loopback, the public port serves none of it", async () => {
    const server = await startServer({ LOG_LEVEL: "warn", TRUSTED_PROXIES: "127.0.0.1" });
    const nginx = await startNginx({ upstreamPorts: [server.port] });
    const closed = { cluster: 404, panel: 404, announce: 404, metrics: 404 };
    expect(await probe(OTHER_LOOPBACK, nginx.url)).toEqual(closed);
    // Header games change nothing: the public port simply has no such routes.
    expect(await probe(OTHER_LOOPBACK, nginx.url, { host: "localhost", "x-forwarded-for": "127.0.0.1" })).toEqual(closed);
    expect(await probe("127.0.0.1", server.httpUrl)).toEqual(closed);
    // The operator on the host has it all on the admin listener.
    expect(await probe("127.0.0.1", server.adminUrl)).toEqual({ cluster: 200, panel: 200, announce: 200, metrics: 200 });
  });
});

describe("admin with ADMIN_TOKEN: on the public port behind the token", () => {
  it.skipIf(nginxPath === undefined)("through nginx: 401 without the token, 200 with it; metrics by their own token", async () => {
    const metricsToken = "metrics-test-token-0123456789";
    const server = await startServer({ LOG_LEVEL: "warn", TRUSTED_PROXIES: "127.0.0.1", ADMIN_TOKEN: TOKEN, METRICS_TOKEN: metricsToken });
    const nginx = await startNginx({ upstreamPorts: [server.port] });
    const base = nginx.url;
    expect((await fetchFrom(OTHER_LOOPBACK, `${base}/admin/api/cluster`)).status).toBe(401);
    expect((await fetchFrom(OTHER_LOOPBACK, `${base}/admin/api/announce`, { method: "POST", headers: json, body: "{\"text\":\"x\"}" })).status).toBe(401);
    expect((await fetchFrom(OTHER_LOOPBACK, `${base}/admin/api/cluster`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const direct = server.httpUrl;
    expect((await fetchFrom(OTHER_LOOPBACK, `${direct}/metrics`)).status).toBe(401);
    expect((await fetchFrom(OTHER_LOOPBACK, `${direct}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200);
  });

  it("sessions expire, and a logout on one process revokes the session on every process", async () => {
    const redis = await startPrivateRedis();
    const [a, b] = (await startCluster(2, redis.url, { LOG_LEVEL: "warn", ADMIN_TOKEN: TOKEN, ADMIN_SESSION_TTL_S: "5" })) as [RunningServer, RunningServer];
    const login = async () => {
      const answer = await fetch(`${a.httpUrl}/admin/api/session`, { method: "POST", headers: json, body: JSON.stringify({ token: TOKEN }) });
      expect(answer.status).toBe(204);
      const cookie = answer.headers.get("set-cookie")!;
      expect(cookie).toMatch(/Max-Age=5/);
      // The cookie is a random session id, never the token or anything derived from it alone.
      expect(cookie).not.toContain(TOKEN);
      return cookie.split(";")[0]!;
    };
    const statusWith = async (server: RunningServer, cookie: string) =>
      (await fetch(`${server.httpUrl}/admin/api/cluster`, { headers: { cookie } })).status;

    const first = await login();
    const second = await login();
    expect(first).not.toBe(second);
    expect([await statusWith(a, first), await statusWith(b, first)]).toEqual([200, 200]);
    expect((await fetch(`${a.httpUrl}/admin/api/session`, { method: "DELETE", headers: { cookie: first } })).status).toBe(204);
    expect([await statusWith(a, first), await statusWith(b, first)]).toEqual([401, 401]);
    // The other session is untouched by that logout, and expires by itself.
    expect(await statusWith(b, second)).toBe(200);
    await vi.waitFor(async () => expect(await statusWith(b, second)).toBe(401), { timeout: 10_000, interval: 250 });
  }, 40_000);

  it("wrong tokens are logged and throttled per address, without locking the operator out", async () => {
    const server = await startServer({ LOG_LEVEL: "warn", ADMIN_TOKEN: TOKEN });
    const base = server.httpUrl;
    const tryLogin = async (from: string, token: string) =>
      (await fetchFrom(from, `${base}/admin/api/session`, { method: "POST", headers: json, body: JSON.stringify({ token }) })).status;
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push(await tryLogin(OTHER_LOOPBACK, `wrong-${i}`));
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(4).fill(429));
    // Bearer guesses on the API count too, and are refused the same way.
    expect((await fetchFrom(OTHER_LOOPBACK, `${base}/admin/api/cluster`, { headers: { authorization: "Bearer guess-0123456789abcdef" } })).status).toBe(429);
    // Even the right token from the throttled address waits out the minute...
    expect(await tryLogin(OTHER_LOOPBACK, TOKEN)).toBe(429);
    // ...while the operator, elsewhere, logs in.
    expect(await tryLogin(OPERATOR, TOKEN)).toBe(204);
    await vi.waitFor(() => expect(server.logs.filter((l) => l.event === "admin_login_throttled")).toHaveLength(1), { timeout: 5_000 });
    const failures = server.logs.filter((l) => l.event === "admin_auth_failed");
    expect(failures).toHaveLength(10);
    expect(failures[0]).toMatchObject({ address: OTHER_LOOPBACK, surface: "admin" });
  });
});
