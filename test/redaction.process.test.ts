import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { freePort } from "../loadtest/ports.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { startScript } from "./support/scriptProcess.ts";
import { runToExit } from "./support/serverProcess.ts";

const SUPERVISOR = fileURLToPath(new URL("../src/cluster/supervisor.ts", import.meta.url));

describe("credentials in REDIS_URL never reach a log line", () => {
  it("a server that cannot reach Redis says so, and why, without the password", async () => {
    const password = `pw-${randomUUID()}`;
    const result = await runToExit({
      REDIS_URL: `redis://player:${password}@127.0.0.1:${await freePort()}/0`, HOST: "127.0.0.1", PORT: String(await freePort()), ADMIN_PORT: "0",
      REDIS_STARTUP_TIMEOUT_S: "2",
    }, 20_000);

    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, any>);
    const failed = lines.filter((l) => l.event === "listen_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.msg).toMatch(/^could not start: REDIS_URL="redis:\/\/\*\*\*@127\.0\.0\.1:\d+\/0": cannot connect to Redis within 2 s \(REDIS_STARTUP_TIMEOUT_S\): connect ECONNREFUSED /);
    // Colyseus' own line (RedisPresence's connection error) keeps its reason, structured (src/colyseusLogger.ts).
    const presence = lines.filter((l) => l.source === "colyseus" && /^RedisPresence: (pub|sub) connection error:/.test(l.msg));
    expect(presence.length).toBeGreaterThan(0);
    expect(presence[0]).toMatchObject({ level: 40, args: [expect.stringMatching(/^connect ECONNREFUSED 127\.0\.0\.1:\d+$/)] });
    expect(presence[0]!.msg).toMatch(/ connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  it("a config error about REDIS_URL shows it without the password", async () => {
    const password = `pw-${randomUUID()}`;
    const result = await runToExit({ REDIS_URL: `redis://:${password}@127.0.0.1:6379 trailing` });

    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("config error: REDIS_URL=\"redis://***@127.0.0.1:6379 trailing\" is invalid: expected a redis:// or rediss:// URL");
    expect(result.stdout + result.stderr).not.toContain(password);
  });

  it("`npm run cluster` and its workers print nothing that holds the password", async () => {
    const password = `pw-${randomUUID()}`;
    const redis = await startPrivateRedis(["--requirepass", password]);
    const port = await freePort();
    const supervisor = startScript(SUPERVISOR, ["--workers", "1"], {
      env: { REDIS_URL: `redis://:${password}@127.0.0.1:${redis.port}`, PORT: String(port), HOST: "127.0.0.1", ADMIN_PORT: "0", LOG_LEVEL: "info" },
      deadlineMs: 30_000,
    });
    const output = () => supervisor.stdout() + supervisor.stderr();
    // The worker listens only once it is authenticated to Redis: the password did its job.
    await vi.waitFor(() => expect(output()).toMatch(/"event":"listening"/), { timeout: 20_000, interval: 100 });
    supervisor.child.kill("SIGTERM");
    expect(await supervisor.exited).toMatchObject({ code: 0, signal: null });

    expect(output()).toMatch(/"event":"cluster_starting".*"redis":"REDIS_URL=\\"redis:\/\/\*\*\*@127\.0\.0\.1:/);
    expect(output()).not.toContain(password);
  });
});
