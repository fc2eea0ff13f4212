import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { consecutiveFreePorts, freePort } from "../loadtest/ports.ts";
import { USAGE_LINE } from "../src/cluster/supervisorArgs.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { startScript, type ExitResult } from "./support/scriptProcess.ts";
import { stopWhenDone } from "./support/teardown.ts";

const SUPERVISOR = fileURLToPath(new URL("../src/cluster/supervisor.ts", import.meta.url));

async function healthz(port: number): Promise<{ processId: string } | undefined> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { processId: string };
  } catch {
    return undefined;
  }
}

/** Runs `npm run cluster` until it exits by itself (and its workers' relayed output has ended); SIGKILL at the deadline. */
function runSupervisor(args: string[], env: Record<string, string>, deadlineMs: number): Promise<ExitResult> {
  return startScript(SUPERVISOR, args, { env, deadlineMs, until: "close" }).exited;
}

/** Every log line of a run, parsed: the supervisor's own and its workers' (relayed). */
function logLines(run: ExitResult): Record<string, unknown>[] {
  return run.stdout.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe("npm run cluster", () => {
  it("starts N workers on consecutive ports, restarts one that dies, and drains all on SIGTERM", async () => {
    const redis = await startPrivateRedis();
    const base = await consecutiveFreePorts(2);
    const supervisor = spawn(process.execPath, [SUPERVISOR, "--workers", "2"], {
      env: { ...process.env, REDIS_URL: redis.url, PORT: String(base), HOST: "127.0.0.1", LOG_LEVEL: "info" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const pids = new Map<number, number>();
    createInterface({ input: supervisor.stdout! }).on("line", (line) => {
      const entry = JSON.parse(line) as { event?: string; worker?: number; pid?: number };
      if (entry.event === "worker_started") pids.set(entry.worker!, entry.pid!);
    });
    try {
      await vi.waitFor(async () => {
        expect(await healthz(base)).toBeDefined();
        expect(await healthz(base + 1)).toBeDefined();
      }, { timeout: 20_000, interval: 200 });
      const before = (await healthz(base + 1))!.processId;

      process.kill(pids.get(2)!, "SIGKILL");
      await vi.waitFor(async () => {
        const after = await healthz(base + 1);
        expect(after?.processId).toBeDefined();
        expect(after?.processId).not.toBe(before);
      }, { timeout: 20_000, interval: 200 });

      const exited = once(supervisor, "exit");
      supervisor.kill("SIGTERM");
      expect(await exited).toEqual([0, null]);
      expect(await healthz(base)).toBeUndefined();
      expect(await healthz(base + 1)).toBeUndefined();
    } finally {
      if (supervisor.exitCode === null) supervisor.kill("SIGKILL");
      for (const pid of pids.values()) { try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ } }
    }
  });

  it("stops after a crash loop, backing off between restarts, with one line naming the worker and its Redis error", async () => {
    const password = `pw-${randomUUID()}`;
    const port = await freePort();
    // Nothing listens there: each start waits REDIS_STARTUP_TIMEOUT_S (1 s) for Redis and exits.
    const redisUrl = `redis://:${password}@127.0.0.1:${await freePort()}`;
    const run = await runSupervisor(["--workers", "1", "--max-restarts", "2", "--restart-window", "60"], {
      REDIS_URL: redisUrl, REDIS_STARTUP_TIMEOUT_S: "1", PORT: String(port), HOST: "127.0.0.1", ADMIN_PORT: "0", LOG_LEVEL: "info",
    }, 25_000);

    expect(run.code).toBe(1);
    const lines = logLines(run);
    const crashLoop = lines.filter((l) => l.event === "crash_loop");
    expect(crashLoop).toHaveLength(1);
    expect(crashLoop[0]).toMatchObject({ level: 60, worker: 1, port, deaths: 3, restartWindowS: 60 });
    expect(crashLoop[0]!.msg).toMatch(new RegExp(`^worker 1 \\(port ${port}\\) died 3 times within 60 s \\(--max-restarts 2\\); last error: could not start: .*cannot connect to Redis within 1 s.*ECONNREFUSED`));
    // Started three times, and the delay doubled: each run died before its start-up was over.
    expect(lines.filter((l) => l.event === "worker_started")).toHaveLength(3);
    expect(lines.filter((l) => l.event === "worker_died").map((l) => l.restartInMs)).toEqual([1_000, 2_000]);
    // Colyseus' own lines kept their reason on the way (src/colyseusLogger.ts).
    expect(lines.some((l) => l.source === "colyseus" && String(l.msg).includes("ECONNREFUSED"))).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(password);
  });

  it("stops at once, naming the port and EADDRINUSE, when a worker cannot bind its port", async () => {
    const redis = await startPrivateRedis();
    const port = await freePort();
    const squatter = createServer();
    squatter.listen(port, "127.0.0.1");
    await once(squatter, "listening");
    stopWhenDone(() => squatter.close());
    const run = await runSupervisor(["--workers", "1"], {
      REDIS_URL: redis.url, PORT: String(port), HOST: "127.0.0.1", ADMIN_PORT: "0", LOG_LEVEL: "info",
    }, 20_000);

    expect(run.code).toBe(1);
    const lines = logLines(run);
    const fatal = lines.filter((l) => l.event === "worker_cannot_listen");
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ level: 60, worker: 1, port, failedPort: port });
    expect(fatal[0]!.msg).toMatch(new RegExp(`^worker 1 \\(port ${port}\\) cannot listen on port ${port}: .*EADDRINUSE.*; stopping the cluster$`));
    // Not restarted: the port stays taken.
    expect(lines.filter((l) => l.event === "worker_started")).toHaveLength(1);
    expect(lines.filter((l) => l.event === "worker_died")).toHaveLength(0);
  });

  it("prints its usage for --help and exits 0", async () => {
    const run = await runSupervisor(["--help"], {}, 10_000);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout.split("\n")[0]).toBe(USAGE_LINE);
    expect(run.stdout).toMatch(/--max-restarts N .*\n.*CLUSTER_MAX_RESTARTS/);
  });

  it("refuses an unknown option with exit code 2, the error and the usage line", async () => {
    const { code, stderr } = await runSupervisor(["--frobnicate"], {}, 10_000);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toEqual(["cluster: Unknown option '--frobnicate'", USAGE_LINE]);
  });

  it("refuses a bad --workers with exit code 2 and one line", async () => {
    const { code, stderr } = await runSupervisor(["--workers", "zero"], {}, 10_000);
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toEqual(["cluster: --workers=zero is invalid: expected an integer from 1 to 64"]);
  });
});
