import { pino, type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "./config.ts";
import { redactUrl } from "./redact.ts";

/** Fields that may hold a credential, at the top level or one level down (`{ config }`, `{ req }`). */
const SECRET_PATHS = ["redisUrl", "token", "adminToken", "metricsToken", "joinSecret", "password", "authorization", "cookie"]
  .flatMap((key) => [key, `*.${key}`])
  .concat(["req.headers.authorization", "req.headers.cookie", "*.headers.authorization", "*.headers.cookie"]);

/** A URL keeps its host (useful when debugging) and loses its credentials; anything else goes. */
function censor(value: unknown): string {
  return typeof value === "string" && value.includes("://") ? redactUrl(value) : "[Redacted]";
}

/**
 * Structured JSON logs, one line per event, to stdout (or `destination`, for tests).
 *
 * Stdout is written synchronously: each line is written or refused before the
 * call returns, so nothing is pending at exit. pino's default asynchronous
 * stdout flushes what is pending at exit in a loop that retries a failed write
 * forever: once the reader of stdout had gone (`npm start | head`), shutdown
 * hung on EPIPE. A synchronous write fails at once, and pino then drops every
 * later line (its EPIPE handler).
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, base: { pid: process.pid }, redact: { paths: SECRET_PATHS, censor } },
    destination ?? pino.destination({ dest: 1, sync: true }));
}
