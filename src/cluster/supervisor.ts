/**
 * `npm run cluster -- [--workers N] [--public-address PATTERN] [--max-restarts N] [--restart-window S]`
 * (--help: src/cluster/supervisorArgs.ts)
 *
 * Runs N server processes on consecutive ports from PORT (default 2567), all
 * sharing REDIS_URL (default redis://127.0.0.1:6379) or REDIS_SENTINELS. Restarts a worker that
 * dies; on SIGINT/SIGTERM drains them all (a second signal cuts drains short)
 * and exits 0. A worker in a crash loop, or one that cannot bind its port,
 * stops the cluster: the others drain, one line says which worker and why, and
 * the exit code is 1. Plain child processes rather than Node's cluster module:
 * each Colyseus process needs its own port and public address for routing.
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { ConfigError, describeRedisTarget, loadConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { RestartPolicy } from "./restartPolicy.ts";
import { parseSupervisorArgs, usage, USAGE_LINE } from "./supervisorArgs.ts";
import { WorkerOutput, type WorkerFailure } from "./workerOutput.ts";

const ENTRY = fileURLToPath(new URL("../index.ts", import.meta.url));
/** How long a worker must outlive its Redis wait to count as started (the bind, the first publish, slack). */
const STARTUP_MARGIN_MS = 30_000;

function fail(message: string, isUsageShown = false): never {
  process.stderr.write(`cluster: ${message}\n${isUsageShown ? `${USAGE_LINE}\n` : ""}`);
  process.exit(2);
}

const parsed = parseSupervisorArgs(process.argv.slice(2), process.env, availableParallelism());
if (!parsed.ok) fail(parsed.reason, parsed.isUsageShown);
if ("help" in parsed) {
  process.stdout.write(`${usage(availableParallelism())}\n`);
  process.exit(0);
}
const options = parsed.value;

const isSentinelUsed = (process.env.REDIS_SENTINELS ?? "").trim() !== "";
const env = isSentinelUsed ? { ...process.env } : { ...process.env, REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" };
let config;
try {
  config = loadConfig(env);
} catch (error) {
  if (error instanceof ConfigError) fail(`config error: ${error.message}`);
  throw error;
}
if (config.port + options.workers - 1 > 65535) fail(`PORT=${config.port} leaves no room for ${options.workers} consecutive ports`);
if (config.adminPort + options.workers - 1 > 65535) fail(`ADMIN_PORT=${config.adminPort} leaves no room for ${options.workers} consecutive ports`);

// Workers' lines are relayed through the same synchronous stdout as the supervisor's own: whole
// lines, never interleaved mid-line, and a reader that goes away (EPIPE) ends the output, not the cluster.
const stdout = pino.destination({ dest: 1, sync: true });
const stderr = pino.destination({ dest: 2, sync: true });
const logger = createLogger(config.logLevel, stdout);
const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;

interface Worker {
  index: number;
  port: number;
  /** Its loopback admin listener: ADMIN_PORT (default PORT + 100) plus its index, like its game port. */
  adminPort: number;
  pid: number | undefined;
  startedAt: number;
  restarts: RestartPolicy;
}

let isStopping = false;
const children = new Map<number, ReturnType<typeof spawn>>();
const workers: Worker[] = Array.from({ length: options.workers }, (_, index) => ({
  index,
  port: config.port + index,
  adminPort: config.adminPort === 0 ? 0 : config.adminPort + index,
  pid: undefined,
  startedAt: 0,
  restarts: new RestartPolicy({
    maxRestarts: options.maxRestarts,
    restartWindowMs: options.restartWindowS * 1000,
    stableUptimeMs: config.redisStartupTimeoutS * 1000 + STARTUP_MARGIN_MS,
  }),
}));

/** Relays a worker's stream line by line, keeping the last lines to explain its death. */
function relay(stream: Readable, to: typeof stdout, note: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
    note(line);
    to.write(`${line}\n`);
  });
}

function start(worker: Worker): void {
  // The placeholders PUBLIC_ADDRESS takes under PM2 (src/config.ts), filled per worker here.
  const publicAddress = options.publicAddressPattern?.replaceAll("{index}", String(worker.index + 1)).replaceAll("{instance}", String(worker.index)).replaceAll("{port}", String(worker.port));
  const child = spawn(process.execPath, [ENTRY], {
    env: { ...env, PORT: String(worker.port), ADMIN_PORT: String(worker.adminPort), ...(publicAddress === undefined ? {} : { PUBLIC_ADDRESS: publicAddress }) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = new WorkerOutput();
  relay(child.stdout, stdout, (line) => output.noteStdout(line));
  relay(child.stderr, stderr, (line) => output.noteStderr(line));
  children.set(worker.index, child);
  worker.pid = child.pid;
  worker.startedAt = Date.now();
  logger.info({ event: "worker_started", worker: worker.index + 1, pid: child.pid, url: `http://${host}:${worker.port}`, publicAddress },
    `worker ${worker.index + 1}: http://${host}:${worker.port}`);
  // 'close', not 'exit': by then its output is read to the end, so its last error is known.
  child.on("close", (code, signal) => {
    children.delete(worker.index);
    if (!isStopping) onDeath(worker, output.failure(), code, signal);
  });
}

function onDeath(worker: Worker, failure: WorkerFailure | undefined, code: number | null, signal: NodeJS.Signals | null): void {
  const name = `worker ${worker.index + 1} (port ${worker.port})`;
  const lastError = failure?.reason ?? (signal === null ? `exited with code ${code}` : `killed by ${signal}`);
  // `workerPid`: a line's own `pid` is the supervisor's.
  const fields = { worker: worker.index + 1, port: worker.port, workerPid: worker.pid, code, signal, lastError };
  // A port someone else holds stays taken: restarting would fail the same way, forever.
  if (failure?.isListenFailure === true) {
    logger.fatal({ ...fields, event: "worker_cannot_listen", failedPort: failure.port },
      `${name} cannot listen${failure.port === undefined ? "" : ` on port ${failure.port}`}: ${lastError}; stopping the cluster`);
    void stop(undefined, 1);
    return;
  }
  const decision = worker.restarts.onDeath(Date.now() - worker.startedAt, Date.now());
  if (decision.action === "give_up") {
    logger.fatal({ ...fields, event: "crash_loop", deaths: decision.deaths, restartWindowS: options.restartWindowS },
      `${name} died ${decision.deaths} time${decision.deaths === 1 ? "" : "s"} within ${options.restartWindowS} s (--max-restarts ${options.maxRestarts}); last error: ${lastError}; stopping the cluster`);
    void stop(undefined, 1);
    return;
  }
  logger.error({ ...fields, event: "worker_died", restartInMs: decision.delayMs }, `${name} died: ${lastError}`);
  setTimeout(() => { if (!isStopping) start(worker); }, decision.delayMs);
}

/**
 * Drains every worker (SIGTERM), then exits with `exitCode`. `signal`: the one the supervisor
 * received (undefined when it gave up by itself); a second one is passed on to cut drains short.
 */
async function stop(signal: NodeJS.Signals | undefined, exitCode: number): Promise<void> {
  if (isStopping) {
    if (signal !== undefined) for (const child of children.values()) child.kill(signal);
    return;
  }
  isStopping = true;
  logger.info({ event: "cluster_stopping", signal }, "draining all workers");
  await Promise.all([...children.values()].map((child) => new Promise<void>((resolve) => {
    child.once("close", () => resolve());
    child.kill("SIGTERM");
  })));
  logger.info({ event: "cluster_stopped" }, "all workers exited");
  process.exit(exitCode);
}

process.on("SIGINT", () => void stop("SIGINT", 0));
process.on("SIGTERM", () => void stop("SIGTERM", 0));
logger.info({ event: "cluster_starting", workers: options.workers, redis: describeRedisTarget(config.redis!) }, `starting ${options.workers} workers`);
for (const worker of workers) start(worker);
