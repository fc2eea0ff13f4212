/**
 * `npm run cluster -- [--workers N] [--public-address PATTERN]` (PATTERN: {index}, {instance}, {port}, {hostname})
 *
 * Runs N server processes on consecutive ports from PORT (default 2567), all
 * sharing REDIS_URL (default redis://127.0.0.1:6379). Restarts a worker that
 * dies; on SIGINT/SIGTERM drains them all (a second signal cuts drains short)
 * and exits 0. Plain child processes rather than Node's cluster module: each
 * Colyseus process needs its own port and public address for routing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { redactUrl } from "../redact.ts";

const ENTRY = fileURLToPath(new URL("../index.ts", import.meta.url));
const FAST_CRASH_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

function fail(message: string): never {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      workers: { type: "string", default: String(availableParallelism()) },
      "public-address": { type: "string" },
    },
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const workerCount = Number(args.workers);
if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > 64) fail(`--workers=${args.workers} is invalid: expected an integer from 1 to 64`);

const env = { ...process.env, REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" };
let config;
try {
  config = loadConfig(env);
} catch (error) {
  if (error instanceof ConfigError) fail(`config error: ${error.message}`);
  throw error;
}
if (config.port + workerCount - 1 > 65535) fail(`PORT=${config.port} leaves no room for ${workerCount} consecutive ports`);
if (config.adminPort + workerCount - 1 > 65535) fail(`ADMIN_PORT=${config.adminPort} leaves no room for ${workerCount} consecutive ports`);
const addressPattern = args["public-address"];
if (addressPattern !== undefined && !["{index}", "{instance}", "{port}"].some((p) => addressPattern.includes(p))) {
  fail("--public-address needs {index}, {instance} or {port} so each worker gets its own address");
}

const logger = createLogger(config.logLevel);
const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;

interface Worker {
  index: number;
  port: number;
  /** Its loopback admin listener: ADMIN_PORT (default PORT + 100) plus its index, like its game port. */
  adminPort: number;
  child?: ChildProcess;
  startedAt: number;
  restartDelayMs: number;
}

let isStopping = false;
const workers: Worker[] = Array.from({ length: workerCount }, (_, index) => ({
  index, port: config.port + index, adminPort: config.adminPort === 0 ? 0 : config.adminPort + index, startedAt: 0, restartDelayMs: 1_000,
}));

function start(worker: Worker): void {
  // The placeholders PUBLIC_ADDRESS takes under PM2 (src/config.ts), filled per worker here.
  const publicAddress = addressPattern?.replaceAll("{index}", String(worker.index + 1)).replaceAll("{instance}", String(worker.index)).replaceAll("{port}", String(worker.port));
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...env, PORT: String(worker.port), ADMIN_PORT: String(worker.adminPort), ...(publicAddress === undefined ? {} : { PUBLIC_ADDRESS: publicAddress }) },
    stdio: ["ignore", "inherit", "inherit"],
  });
  worker.child = child;
  worker.startedAt = Date.now();
  logger.info({ event: "worker_started", worker: worker.index + 1, pid: child.pid, url: `http://${host}:${worker.port}`, publicAddress },
    `worker ${worker.index + 1}: http://${host}:${worker.port}`);
  child.on("exit", (code, signal) => {
    worker.child = undefined;
    if (isStopping) return;
    // A worker that keeps dying right after start is backed off, so a broken deploy does not spin.
    worker.restartDelayMs = Date.now() - worker.startedAt < FAST_CRASH_MS ? Math.min(worker.restartDelayMs * 2, MAX_RESTART_DELAY_MS) : 1_000;
    logger.error({ event: "worker_died", worker: worker.index + 1, code, signal, restartInMs: worker.restartDelayMs }, `worker ${worker.index + 1} died`);
    setTimeout(() => { if (!isStopping) start(worker); }, worker.restartDelayMs);
  });
}

async function stop(signal: NodeJS.Signals): Promise<void> {
  if (isStopping) {
    for (const w of workers) w.child?.kill(signal); // a second signal tells workers to cut their drain short
    return;
  }
  isStopping = true;
  logger.info({ event: "cluster_stopping", signal }, "draining all workers");
  await Promise.all(workers.map((w) => new Promise<void>((resolve) => {
    if (w.child === undefined) return resolve();
    w.child.once("exit", () => resolve());
    w.child.kill("SIGTERM");
  })));
  logger.info({ event: "cluster_stopped" }, "all workers exited");
  process.exit(0);
}

process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
logger.info({ event: "cluster_starting", workers: workerCount, redisUrl: redactUrl(env.REDIS_URL) }, `starting ${workerCount} workers`);
for (const worker of workers) start(worker);
