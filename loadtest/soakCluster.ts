/**
 * The soak's own cluster: a private redis-server and `npm run cluster`'s
 * supervisor with N workers on free loopback ports, every worker under the
 * heap probe (heapProbe.ts, through NODE_OPTIONS, so a restarted worker has it
 * too). Collects the probe's samples and the cluster's error and warning log
 * lines, reads tick overruns from each worker's admin listener, kills a worker
 * on request, and stops everything it started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseHeapLine, type HeapSample } from "./heapSample.ts";
import { consecutiveFreePorts, freePort } from "./ports.ts";

const SUPERVISOR = fileURLToPath(new URL("../src/cluster/supervisor.ts", import.meta.url));
const HEAP_PROBE = pathToFileURL(fileURLToPath(new URL("./heapProbe.ts", import.meta.url))).href;
const START_TIMEOUT_MS = 30_000;
/** Log lines kept per error or warning event for the report. */
const LOG_EXAMPLES_PER_EVENT = 2;
/** pino's "error" level: lines at or above it are server errors. */
const ERROR_LEVEL = 50;
const WARN_LEVEL = 40;

export interface SoakClusterOptions {
  workers: number;
  gcEveryS: number;
  /** Called with every heap probe sample as it arrives. */
  onHeapSample: (sample: HeapSample) => void;
}

export class SoakCluster {
  /** http:// base URL of each worker's game port, worker 1 first. */
  readonly endpoints: string[];
  /** Each worker's loopback admin listener (its /metrics). */
  readonly adminUrls: string[];
  readonly ports: number[];
  /** The cluster's JOIN_SECRET: the bots sign their tokens with it. */
  readonly joinSecret: string;
  readonly errors: Record<string, number> = {};
  readonly warnings: Record<string, number> = {};
  /** The first error and warning lines of each event, as logged: a count alone does not say why. */
  readonly logExamples: Record<string, string[]> = {};

  private readonly redis: ChildProcess;
  private readonly supervisor: ChildProcess;
  /** Per worker, the last counter read and the sum of what it counted (a restart resets a worker's counter). */
  private readonly overruns: { last: number; total: number }[];

  private constructor(redis: ChildProcess, supervisor: ChildProcess, joinSecret: string, basePort: number, adminBasePort: number, workers: number) {
    this.redis = redis;
    this.joinSecret = joinSecret;
    this.supervisor = supervisor;
    this.ports = Array.from({ length: workers }, (_, i) => basePort + i);
    this.endpoints = this.ports.map((port) => `http://127.0.0.1:${port}`);
    this.adminUrls = this.ports.map((_, i) => `http://127.0.0.1:${adminBasePort + i}`);
    this.overruns = this.ports.map(() => ({ last: 0, total: 0 }));
  }

  static async start(options: SoakClusterOptions): Promise<SoakCluster> {
    const redisPort = await freePort();
    const redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] });
    killOnExit(redis);
    await waitForLine(redis, (line) => line.includes("Ready to accept"), "redis-server");

    const basePort = await consecutiveFreePorts(options.workers);
    const adminBasePort = await consecutiveFreePorts(options.workers);
    const joinSecret = randomBytes(32).toString("base64url");
    const supervisor = spawnSupervisor(options, { redisPort, basePort, adminBasePort, joinSecret });
    const cluster = new SoakCluster(redis, supervisor, joinSecret, basePort, adminBasePort, options.workers);
    cluster.readLogs(options.onHeapSample);
    await cluster.waitUntilReady();
    return cluster;
  }

  /** Reads every worker's tick overrun counter and returns the total counted so far. */
  async tickOverruns(): Promise<number> {
    await Promise.all(this.adminUrls.map(async (url, i) => {
      const text = await fetch(`${url}/metrics`).then((r) => r.text(), () => "");
      let value = 0;
      let isFound = false;
      for (const line of text.split("\n")) {
        if (!line.startsWith("gameserver_tick_overruns_total")) continue;
        value += Number(line.split(" ").at(-1));
        isFound = true;
      }
      if (!isFound) return;
      const counter = this.overruns[i]!;
      counter.total += value >= counter.last ? value - counter.last : value;
      counter.last = value;
    }));
    return this.overruns.reduce((sum, c) => sum + c.total, 0);
  }

  /** SIGKILLs worker `worker` (1-based); resolves with its pid, or undefined if it did not answer. */
  async kill(worker: number): Promise<number | undefined> {
    const pid = await fetch(`${this.endpoints[worker - 1]}/healthz`).then(async (r) => ((await r.json()) as { pid: number }).pid, () => undefined);
    if (pid !== undefined) process.kill(pid, "SIGKILL");
    return pid;
  }

  /** Drains the workers through the supervisor, then stops redis-server. */
  async stop(): Promise<void> {
    if (this.supervisor.exitCode === null && this.supervisor.signalCode === null) {
      const exited = once(this.supervisor, "exit");
      this.supervisor.kill("SIGTERM");
      await exited;
    }
    this.redis.kill("SIGKILL");
  }

  private readLogs(onHeapSample: (sample: HeapSample) => void): void {
    createInterface({ input: this.supervisor.stdout! }).on("line", (line) => {
      let entry: { event?: string; level?: number; msg?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        // Not the logger's: Node's own warnings, a crash's last words, DEBUG=colyseus:* output.
        process.stderr.write(`${line}\n`);
        return;
      }
      const level = entry.level ?? 0;
      const key = entry.event ?? entry.msg ?? "?";
      // The kill is the soak's own doing.
      if (level >= ERROR_LEVEL && entry.event !== "worker_died") this.errors[key] = (this.errors[key] ?? 0) + 1;
      else if (level >= WARN_LEVEL && level < ERROR_LEVEL) this.warnings[key] = (this.warnings[key] ?? 0) + 1;
      else return;
      const examples = (this.logExamples[key] ??= []);
      if (examples.length < LOG_EXAMPLES_PER_EVENT) examples.push(line);
    });
    createInterface({ input: this.supervisor.stderr! }).on("line", (line) => {
      const sample = parseHeapLine(line);
      if (sample !== undefined) onHeapSample(sample);
      else process.stderr.write(`${line}\n`);
    });
  }

  private async waitUntilReady(): Promise<void> {
    for (const url of this.endpoints) {
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (!(await fetch(`${url}/readyz`).then((r) => r.ok, () => false))) {
        if (this.supervisor.exitCode !== null) throw new Error(`the cluster supervisor exited with ${this.supervisor.exitCode}`);
        if (Date.now() > deadline) throw new Error(`${url} was not ready within ${START_TIMEOUT_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}

function spawnSupervisor(options: SoakClusterOptions, at: { redisPort: number; basePort: number; adminBasePort: number; joinSecret: string }): ChildProcess {
  const { redisPort, basePort, adminBasePort, joinSecret } = at;
  const supervisor = spawn(process.execPath, [SUPERVISOR, "--workers", String(options.workers)], {
    env: {
      ...process.env,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`, PORT: String(basePort), ADMIN_PORT: String(adminBasePort), HOST: "127.0.0.1",
      PUBLIC_ADDRESS: "", LOG_LEVEL: "warn", ARENA_MAX_CLIENTS: "32", METRICS: "on",
      // Production-like admission: every join carries a token.
      JOIN_SECRET: joinSecret,
      // The bots are a load generator on this host: exempt from the per-address matchmaking limits.
      RATE_LIMIT_EXEMPT: "127.0.0.1,::1",
      // Every worker, a restarted one too, is under the heap probe (it ignores the supervisor itself).
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${HEAP_PROBE}`].filter((o) => o !== undefined && o !== "").join(" "),
      HEAP_PROBE_INTERVAL_S: String(options.gcEveryS),
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that an interrupted soak kills the workers with it (they would outlive the supervisor alone).
    detached: true,
  });
  process.on("exit", () => {
    try {
      process.kill(-supervisor.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  });
  return supervisor;
}

function killOnExit(child: ChildProcess): void {
  process.on("exit", () => child.kill("SIGKILL"));
}

function waitForLine(child: ChildProcess, isReady: (line: string) => boolean, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (isReady(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}
