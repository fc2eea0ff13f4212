/** Messages between the main thread (controller.ts) and each bot worker (worker.ts). */
import type { WorkerReport } from "./loadtestMetrics.ts";

export interface WorkerConfig {
  workerId: number;
  url: string;
  roomName: string;
  /** Passed as the `mode` join option when set. */
  mode: string | undefined;
  joinTimeoutMs: number;
  reportIntervalMs: number;
  /** Set: each bot signs its own join token with it (player id `lt-<runId>-<index>`). */
  joinSecret: string | undefined;
  /** Distinguishes this run's player ids from another run's against the same server. */
  runId: string;
}

/** One bot to start: its global index (seed and name) and whether it decodes state. */
export interface BotSpec {
  index: number;
  isProbe: boolean;
}

export type ToWorker =
  | { type: "spawn"; bots: BotSpec[] }
  /** Leave every room, send a last report, then `stopped`. */
  | { type: "stop" };

export type FromWorker =
  | { type: "ready" }
  | WorkerReport
  | { type: "stopped" };
