import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createNetwork, sweepLeftoverNamespaces, type Network } from "./netns.ts";
import { NGINX_CONFIG_PATH, renderNginxConfig, withProcessSlots } from "./nginx.ts";
import { RemoteClient } from "./remoteClient.ts";
import { findTool } from "./requireTool.ts";

/**
 * A game fleet on private hosts (netns.ts): a Redis host, game-server hosts running the real entry
 * point, an nginx host running the committed config, and client hosts whose SDK clients
 * (remoteClient.ts) reach nothing but nginx. Every address is inside namespaces this creates.
 */

const ENTRY = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
const GAME_PORT = 2567;
export const ADMIN_PORT = 2667;
const PROXY_PORT = 8080;
const REDIS_PORT = 6379;

export interface LogLine {
  event?: string;
  sessionId?: string;
  [key: string]: unknown;
}

export interface GameHost {
  name: string;
  /** N in nginx's /pN/ routes and the `# @process N` lines. */
  index: number;
  child: ChildProcess;
  /** Its JSON log lines so far. */
  logs: LogLine[];
  processId: string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

export interface FleetOptions {
  /** Every game host, in nginx's process order (/p1/ first); all are routed from the start. */
  gameHosts: readonly string[];
  /** The game hosts whose servers start with the fleet; the others wait for startGameHost(). */
  startedHosts: readonly string[];
  clientHosts: readonly string[];
  /** Server settings on top of the addressing this module sets. */
  serverEnv: Record<string, string>;
}

export interface Fleet {
  net: Network;
  /** host:port of the proxy, as PUBLIC_ADDRESS and the clients see it. */
  proxyAddress: string;
  clients: ReadonlyMap<string, RemoteClient>;
  /** The running game hosts (a test deletes the ones it stops). */
  hosts: Map<string, GameHost>;
  gameHost(name: string): GameHost;
  /** The game host (running or not) that runs or ran `processId`. */
  hostOfProcess(processId: string): string;
  startGameHost(name: string): Promise<GameHost>;
  /** The index of the first log line from `from` on matching `predicate`; rejects at the deadline. */
  waitForLog(host: GameHost, predicate: (line: LogLine) => boolean, deadlineMs: number, what: string, from?: number): Promise<number>;
  redisCli(...args: string[]): Promise<string>;
  /** Stops the clients, kills everything started in the namespaces and deletes them. Idempotent. */
  destroy(): Promise<void>;
}

/** Polls `attempt` until it returns a value (errors count as "not yet"); rejects at the deadline. */
export async function until<T>(what: string, deadlineMs: number, attempt: () => Promise<T | undefined>, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${deadlineMs} ms${lastError === undefined ? "" : ` (last error: ${String(lastError)})`}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Builds the hosts and starts Redis, the first game servers, nginx and the client drivers. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  await sweepLeftoverNamespaces();
  const net = await createNetwork(["redis", ...options.gameHosts, "nginx", ...options.clientHosts]);
  const ipOf = (host: string) => net.host(host).ip;
  const proxyAddress = `${ipOf("nginx")}:${PROXY_PORT}`;
  const hosts = new Map<string, GameHost>();
  const everStarted: GameHost[] = [];
  const clients = new Map<string, RemoteClient>();
  let nginxDir: string | undefined;

  const redisCli = async (...args: string[]): Promise<string> => {
    const { code, stdout, stderr } = await net.exec("redis", "redis-cli", ["-p", String(REDIS_PORT), ...args]);
    if (code !== 0) throw new Error(`redis-cli ${args.join(" ")}: ${stderr}`);
    return stdout.trim();
  };

  const startRedis = async (): Promise<void> => {
    const child = net.spawn("redis", "redis-server", [
      "--port", String(REDIS_PORT), "--bind", `127.0.0.1 ${ipOf("redis")}`, "--protected-mode", "no",
      "--save", "", "--appendonly", "no", "--loglevel", "notice",
    ], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout!.on("data", (d) => (output += String(d)));
    await until("redis-server to accept connections", 10_000, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${output}`);
      return output.includes("Ready to accept connections") ? true : undefined;
    }, 50);
  };

  const startGameHost = async (name: string): Promise<GameHost> => {
    const index = options.gameHosts.indexOf(name) + 1;
    if (index === 0) throw new Error(`${name} is not a game host`);
    const child = net.spawn(name, process.execPath, [ENTRY], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        HOST: "0.0.0.0",
        PORT: String(GAME_PORT),
        ADMIN_PORT: String(ADMIN_PORT),
        REDIS_URL: `redis://${ipOf("redis")}:${REDIS_PORT}`,
        PUBLIC_ADDRESS: `${proxyAddress}/p${index}`,
        TRUSTED_PROXIES: ipOf("nginx"),
        // The client hosts play like load generators: many rooms from one address in a minute.
        RATE_LIMIT_EXEMPT: options.clientHosts.map(ipOf).join(","),
        LOG_LEVEL: "info",
        ...options.serverEnv,
      },
    });
    const logs: LogLine[] = [];
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr = (stderr + String(d)).slice(-4_000)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        logs.push({ event: "unparsed", line });
      }
    });
    const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    const listening = await until(`host ${name} to listen`, 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
      return logs.find((line) => line.event === "listening");
    }, 50).catch((error: Error) => {
      throw new Error(`${error.message}; stderr: ${stderr}`);
    });
    const host: GameHost = { name, index, child, logs, processId: String(listening.processId), exited };
    hosts.set(name, host);
    everStarted.push(host);
    return host;
  };

  const startNginx = async (): Promise<void> => {
    const nginx = findTool("nginx");
    if (nginx === undefined) throw new Error("nginx is not installed (apt-get install -y nginx)");
    nginxDir = await mkdtemp(join(tmpdir(), "gameserver-netns-nginx-"));
    // nginx's workers run unprivileged when the master is root: they must reach the temp paths.
    await chmod(nginxDir, 0o755);
    const configPath = join(nginxDir, "nginx.conf");
    await writeFile(configPath, renderNginxConfig(withProcessSlots(await readFile(NGINX_CONFIG_PATH, "utf8"), options.gameHosts.length), {
      listen: proxyAddress,
      processes: options.gameHosts.map((name) => `${ipOf(name)}:${GAME_PORT}`),
      stateDir: nginxDir,
    }));
    const check = await net.exec("nginx", nginx, ["-t", "-c", configPath]);
    if (check.code !== 0) throw new Error(`nginx -t refused the rendered config: ${check.stderr}`);
    net.spawn("nginx", nginx, ["-c", configPath, "-g", "daemon off;"], { stdio: ["ignore", "ignore", "inherit"] });
  };

  let isDestroyed = false;
  const destroy = async (): Promise<void> => {
    if (isDestroyed) return;
    isDestroyed = true;
    await Promise.all([...clients.values()].map((client) => client.stop().catch(() => undefined)));
    try {
      await net.destroy();
    } finally {
      if (nginxDir !== undefined) await rm(nginxDir, { recursive: true, force: true });
    }
  };

  try {
    await startRedis();
    // Hosts started later are wired up already: until their server listens, nginx is refused
    // there at once and uses the others.
    await Promise.all(options.startedHosts.map(startGameHost));
    await startNginx();
    const started = await Promise.all(options.clientHosts.map((host) => RemoteClient.start(net, host, `http://${proxyAddress}`)));
    options.clientHosts.forEach((host, i) => clients.set(host, started[i]!));
    const probe = started[0];
    if (probe !== undefined) {
      await until("nginx to answer", 10_000, async () => ((await probe.http("GET", "/healthz", undefined, 2_000)).status === 200 ? true : undefined));
    }
    const records = await redisCli("hlen", "gs:processes");
    if (records !== String(options.startedHosts.length)) throw new Error(`${records} placement records in Redis, expected ${options.startedHosts.length}`);
  } catch (error) {
    await destroy().catch(() => undefined);
    throw error;
  }

  return {
    net,
    proxyAddress,
    clients,
    hosts,
    gameHost(name) {
      const host = hosts.get(name);
      if (host === undefined) throw new Error(`host ${name} is not running`);
      return host;
    },
    hostOfProcess(processId) {
      const host = everStarted.find((h) => h.processId === processId);
      if (host === undefined) throw new Error(`no game host ever ran process ${processId}`);
      return host.name;
    },
    startGameHost,
    waitForLog(host, predicate, deadlineMs, what, from = 0) {
      return until(`${what} on host ${host.name}`, deadlineMs, async () => {
        const index = host.logs.findIndex((line, i) => i >= from && predicate(line));
        if (index === -1 && host.child.exitCode !== null) throw new Error(`host ${host.name} exited`);
        return index === -1 ? undefined : index;
      }, 50);
    },
    redisCli,
    destroy,
  };
}
