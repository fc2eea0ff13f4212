/**
 * Server processes and a private redis-server for the matchmaking benchmarks, on free loopback
 * ports. Every process started here is SIGKILLed if the benchmark exits without stopping it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.ts";

const ENTRY = fileURLToPath(new URL("../src/index.ts", import.meta.url));
const running = new Set<ChildProcess>();
process.on("exit", () => { for (const child of running) child.kill("SIGKILL"); });

/** Starts `command` and resolves once a line of its stdout passes `isReady` (20 s at most). */
async function startProcess(command: string, argv: string[], env: Record<string, string>, isReady: (line: string) => boolean): Promise<ChildProcess> {
  const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  running.add(child);
  child.once("exit", () => running.delete(child));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start within 20 s`)), 20_000);
    child.once("exit", (code) => reject(new Error(`${command} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (isReady(line)) { clearTimeout(timer); resolve(); }
    });
  });
  return child;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill(signal);
  await exited;
}

export interface ServerFleet {
  /** ws:// URL of each process. */
  endpoints: string[];
  stop(): Promise<void>;
}

/**
 * `count` server processes (embedded when `redisUrl` is undefined), exempt from the per-address
 * limits as a load generator should be; resolves once each one listens.
 */
export async function startServers(count: number, redisUrl?: string, env: Record<string, string> = {}): Promise<ServerFleet> {
  const children: ChildProcess[] = [];
  const endpoints: string[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    children.push(await startProcess(process.execPath, [ENTRY], {
      PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", ADMIN_PORT: "0", RATE_LIMIT_EXEMPT: "127.0.0.1,::1",
      ...(redisUrl === undefined ? {} : { REDIS_URL: redisUrl }), ...env,
    }, (line) => line.includes('"event":"listening"')));
    endpoints.push(`ws://127.0.0.1:${port}`);
  }
  return { endpoints, stop: async () => { await Promise.all(children.map((child) => stop(child, "SIGTERM"))); } };
}

export interface BenchRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A private redis-server (nothing persisted), so a benchmark never touches a shared one. */
export async function startRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const child = await startProcess("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {},
    (line) => line.includes("Ready to accept connections"));
  return { url: `redis://127.0.0.1:${port}`, port, stop: () => stop(child, "SIGKILL") };
}
