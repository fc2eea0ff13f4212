import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { freePort } from "../../loadtest/ports.ts";
import { stopWhenDone } from "./teardown.ts";

/** The primary's name in every Sentinel's `sentinel monitor` line. */
export const PRIMARY_NAME = "game-primary";
/** Sentinels call the primary down after this much silence; the failover starts then. */
const DOWN_AFTER_MS = 1_000;

export interface SentinelGroup {
  /** REDIS_SENTINELS for the game servers. */
  sentinelsEnv: string;
  primaryPort: number;
  replicaPort: number;
  /** A client that follows the Sentinels to the current primary (disconnected with the group). */
  connect(): Redis;
  /** host:port the Sentinels name as the primary now. */
  currentPrimary(): Promise<string>;
  /** SIGKILL of the primary's redis-server: no goodbye, no shutdown save. */
  killPrimary(): Promise<void>;
}

/**
 * A real Redis Sentinel setup on free loopback ports: a primary, one replica, and three
 * redis-sentinel processes (quorum 2). Resolves once the replica is in sync and every Sentinel
 * knows the replica and the two other Sentinels, so killing the primary leads to a failover.
 * Stopped, and its directory removed, when its owner is done (see stopWhenDone).
 */
export async function startSentinelGroup(): Promise<SentinelGroup> {
  const dir = await mkdtemp(join(tmpdir(), "sentinel-"));
  const children: ChildProcess[] = [];
  const watchers: Redis[] = [];
  const stop = async () => {
    watchers.forEach((client) => client.disconnect());
    await Promise.all(children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const primaryPort = await freePort();
    const replicaPort = await freePort();
    const sentinelPorts = [await freePort(), await freePort(), await freePort()];
    const redisArgs = (port: number) => ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
    const primary = await startLogged(children, "redis-server", redisArgs(primaryPort), "Ready to accept connections");
    await startLogged(children, "redis-server", [...redisArgs(replicaPort), "--replicaof", "127.0.0.1", String(primaryPort)], "Ready to accept connections");
    for (const port of sentinelPorts) {
      // Sentinel rewrites its config file (what it learns about the others), so each gets its own.
      const configFile = join(dir, `sentinel-${port}.conf`);
      await writeFile(configFile, [
        `port ${port}`, "bind 127.0.0.1", `dir ${dir}`,
        `sentinel monitor ${PRIMARY_NAME} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${PRIMARY_NAME} ${DOWN_AFTER_MS}`,
        `sentinel failover-timeout ${PRIMARY_NAME} 10000`,
        `sentinel parallel-syncs ${PRIMARY_NAME} 1`,
        "",
      ].join("\n"));
      await startLogged(children, "redis-sentinel", [configFile], "Sentinel ID is");
    }
    await untilTrue(() => replicaInSync(replicaPort), "the replica in sync with the primary");
    await untilTrue(() => sentinelsAgree(sentinelPorts), "every Sentinel knowing the replica and the two other Sentinels");

    const sentinels = sentinelPorts.map((port) => ({ host: "127.0.0.1", port }));
    const group: SentinelGroup = {
      sentinelsEnv: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(","),
      primaryPort,
      replicaPort,
      connect() {
        const client = new Redis({ sentinels, name: PRIMARY_NAME, maxRetriesPerRequest: 1 });
        watchers.push(client);
        // While the primary is down every reconnect fails; the commands that matter report their own errors.
        client.on("error", () => undefined);
        return client;
      },
      currentPrimary: () => withClient(sentinelPorts[0]!, async (sentinel) => {
        const [host, port] = (await sentinel.call("SENTINEL", "get-master-addr-by-name", PRIMARY_NAME)) as [string, string];
        return `${host}:${port}`;
      }),
      async killPrimary() {
        const exited = once(primary, "exit");
        primary.kill("SIGKILL");
        await exited;
      },
    };
    stopWhenDone(stop);
    return group;
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startLogged(children: ChildProcess[], command: string, args: string[], readyText: string): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args[0]} did not start within 10 s`)), 10_000);
    child.once("exit", (code) => reject(new Error(`${command} ${args[0]} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.includes(readyText)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  // Keep reading, or a chatty Sentinel fills the pipe and stalls.
  child.stdout!.resume();
  return child;
}

async function withClient<T>(port: number, use: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

async function replicaInSync(port: number): Promise<boolean> {
  return withClient(port, async (client) => (await client.info("replication")).includes("master_link_status:up"));
}

async function sentinelsAgree(ports: number[]): Promise<boolean> {
  const views = await Promise.all(ports.map((port) => withClient(port, async (sentinel) => {
    const others = (await sentinel.call("SENTINEL", "sentinels", PRIMARY_NAME)) as unknown[];
    const replicas = (await sentinel.call("SENTINEL", "replicas", PRIMARY_NAME)) as unknown[];
    return others.length === ports.length - 1 && replicas.length === 1;
  })));
  return views.every(Boolean);
}

/** Polls `check` until it holds; Sentinels find each other through the primary's hello channel in a few seconds. */
async function untilTrue(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
