import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startPrivateRedis, type PrivateRedis } from "./support/redisServer.ts";

const SUPERVISOR = fileURLToPath(new URL("../src/cluster/supervisor.ts", import.meta.url));

async function isFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** Two consecutive free ports, for a 2-worker cluster. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await isFree(base)) && (await isFree(base + 1))) return base;
  }
  throw new Error("no two consecutive free ports");
}

async function healthz(port: number): Promise<{ processId: string } | undefined> {
  try {
    return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { processId: string };
  } catch {
    return undefined;
  }
}

let redis: PrivateRedis | undefined;
afterEach(async () => {
  await redis?.stop();
  redis = undefined;
});

describe("npm run cluster", () => {
  it("starts N workers on consecutive ports, restarts one that dies, and drains all on SIGTERM", async () => {
    redis = await startPrivateRedis();
    const base = await freePortPair();
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

  it("refuses a bad --workers with exit code 2 and one line", async () => {
    const child = spawn(process.execPath, [SUPERVISOR, "--workers", "zero"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toEqual(["cluster: --workers=zero is invalid: expected an integer from 1 to 64"]);
  });
});
