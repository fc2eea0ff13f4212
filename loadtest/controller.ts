/**
 * The main thread's side of a run: starts the bot workers, ramps bots up at a
 * fixed rate (round-robin over workers), and adds every worker report into
 * the aggregates that are open at that moment.
 */
import { randomBytes } from "node:crypto";
import { Worker } from "node:worker_threads";
import { Aggregate, type WorkerReport } from "./loadtestMetrics.ts";
import type { BotSpec, FromWorker, ToWorker, WorkerConfig } from "./workerMessages.ts";

const REPORT_INTERVAL_MS = 500;
/** How often the ramp hands out new bots. */
const RAMP_INTERVAL_MS = 100;
const WORKER_START_TIMEOUT_MS = 20_000;
/** Leaving takes at most the worker's leave timeouts (5 s for joins in flight + 5 s to leave); then it is terminated. */
const WORKER_STOP_TIMEOUT_MS = 15_000;
/** If this many joins (or all of them, when fewer) failed and none succeeded, the target is not usable. */
const EARLY_ABORT_FAILURES = 20;

export interface ControllerOptions {
  url: string;
  roomName: string;
  mode: string | undefined;
  workers: number;
  /** Bots with index below this decode state (spread evenly over the workers by round-robin). */
  probeBots: number;
  joinTimeoutMs: number;
  /** Set: every bot signs its own join token with it. */
  joinSecret: string | undefined;
}

/** A run that cannot go on (no bot can join, a worker died): ends with exit code 1. */
export class RunAbortedError extends Error {}

export class LoadController {
  /** Bots handed to workers so far. */
  started = 0;
  /** Everything since the workers started. */
  readonly run = new Aggregate();

  private readonly options: ControllerOptions;
  private readonly workers: Worker[] = [];
  private readonly gauges = new Map<number, { connected: number; joining: number; tickHz: number }>();
  private readonly open = new Set<Aggregate>([this.run]);
  private readonly exited = new Set<Worker>();
  private fatal: Error | undefined;

  constructor(options: ControllerOptions) {
    this.options = options;
  }

  /** Bots connected now, and joins in flight, as of the latest reports. */
  get connected(): number {
    let n = 0;
    for (const g of this.gauges.values()) n += g.connected;
    return n;
  }

  get joining(): number {
    let n = 0;
    for (const g of this.gauges.values()) n += g.joining;
    return n;
  }

  /** The rate bots send inputs at (the room's advertised tick rate, once a bot has joined). */
  get tickHz(): number {
    let hz = 0;
    for (const g of this.gauges.values()) hz = Math.max(hz, g.tickHz);
    return hz;
  }

  /** Starts the workers and resolves once every one is ready. */
  async start(): Promise<void> {
    const ready: Promise<unknown>[] = [];
    // Player ids are unique per run, so two runs against one server do not replace each other's sessions (4104).
    const runId = randomBytes(4).toString("hex");
    for (let workerId = 0; workerId < this.options.workers; workerId++) {
      const config: WorkerConfig = {
        workerId,
        url: this.options.url,
        roomName: this.options.roomName,
        mode: this.options.mode,
        joinTimeoutMs: this.options.joinTimeoutMs,
        reportIntervalMs: REPORT_INTERVAL_MS,
        joinSecret: this.options.joinSecret,
        runId,
      };
      const worker = new Worker(new URL("./worker.ts", import.meta.url), { workerData: config });
      worker.on("message", (message: FromWorker) => {
        if (message.type === "report") this.onReport(message);
      });
      worker.on("exit", () => this.exited.add(worker));
      worker.on("error", (error) => {
        this.fatal ??= new RunAbortedError(`bot worker ${workerId} failed: ${error.message}`);
      });
      ready.push(waitFor(worker, "ready", WORKER_START_TIMEOUT_MS));
      this.workers.push(worker);
    }
    await Promise.all(ready);
  }

  /** Opens an aggregate that receives every report from now until `release`. */
  record(): Aggregate {
    const aggregate = new Aggregate();
    this.open.add(aggregate);
    return aggregate;
  }

  release(aggregate: Aggregate): Aggregate {
    this.open.delete(aggregate);
    return aggregate.close();
  }

  /**
   * Starts bots at `rampPerS` until `target` have been started, then waits
   * until every one has joined or failed. Resolves early when `signal` aborts;
   * throws RunAbortedError when nothing can join.
   */
  async spawnTo(target: number, rampPerS: number, signal: AbortSignal): Promise<void> {
    const from = this.started;
    const rampStartedAt = performance.now();
    while (!signal.aborted) {
      this.throwIfFatal();
      const due = Math.min(target, from + Math.floor(((performance.now() - rampStartedAt) / 1000) * rampPerS) + 1);
      if (due > this.started) this.spawn(due - this.started);
      const settled = this.run.joined + this.run.failed;
      if (this.started >= target && settled >= target) return;
      await sleep(RAMP_INTERVAL_MS, signal);
    }
  }

  /** Waits `seconds`, unless aborted; throws if the run has become unusable meanwhile. */
  async hold(seconds: number, signal: AbortSignal): Promise<void> {
    const until = performance.now() + seconds * 1000;
    while (!signal.aborted && performance.now() < until) {
      this.throwIfFatal();
      await sleep(Math.min(RAMP_INTERVAL_MS, until - performance.now()), signal);
    }
  }

  /** Every bot leaves; resolves after the workers' last reports arrived and they exited. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map(async (worker) => {
      if (this.exited.has(worker)) return;
      const stopped = waitFor(worker, "stopped", WORKER_STOP_TIMEOUT_MS).catch(() => undefined);
      worker.postMessage({ type: "stop" } satisfies ToWorker);
      await stopped;
      await worker.terminate();
    }));
    for (const aggregate of this.open) aggregate.close();
  }

  private spawn(count: number): void {
    const batches = this.workers.map((): BotSpec[] => []);
    for (let i = 0; i < count; i++) {
      const index = this.started++;
      batches[index % this.workers.length]!.push({ index, isProbe: index < this.options.probeBots });
    }
    batches.forEach((bots, i) => {
      if (bots.length > 0) this.workers[i]!.postMessage({ type: "spawn", bots } satisfies ToWorker);
    });
  }

  private onReport(report: WorkerReport): void {
    this.gauges.set(report.workerId, { connected: report.connected, joining: report.joining, tickHz: report.tickHz });
    for (const aggregate of this.open) aggregate.add(report);
    const attempts = this.run.joined + this.run.failed;
    if (this.run.joined === 0 && this.run.failed > 0 && attempts >= Math.min(EARLY_ABORT_FAILURES, this.started)) {
      this.fatal ??= new RunAbortedError(`all ${this.run.failed} joins failed: ${this.run.errorSamples[0] ?? "no reason given"}`);
    }
  }

  private throwIfFatal(): void {
    if (this.fatal !== undefined) throw this.fatal;
  }
}

function waitFor(worker: Worker, type: FromWorker["type"], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new RunAbortedError(`bot worker did not send "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: FromWorker) => {
      if (message.type !== type) return;
      cleanup();
      resolve();
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new RunAbortedError(`bot worker exited with code ${code} before "${type}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("exit", onExit);
  });
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
