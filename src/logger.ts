import { pino, type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "./config.ts";
import { redactUrl, redactUrlsIn } from "./redact.ts";

/** Field names that may hold a credential. */
const SECRET_KEYS = ["redisUrl", "token", "adminToken", "metricsToken", "joinSecret", "password", "authorization", "cookie"];
const SECRET_KEYS_LOWER = new Set(SECRET_KEYS.map((key) => key.toLowerCase()));

/** Fields that may hold a credential, at the top level or one level down (`{ config }`, `{ req }`). */
const SECRET_PATHS = SECRET_KEYS
  .flatMap((key) => [key, `*.${key}`])
  .concat(["req.headers.authorization", "req.headers.cookie", "*.headers.authorization", "*.headers.cookie"]);

/** Deeper than this, a value logged through `loggable` is summarized (`[Object]`, `[Array]`). */
const MAX_LOGGABLE_DEPTH = 5;

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

/**
 * A JSON-ready copy of a value that code we do not own hands to a log call
 * (its shape unknown, so the logger's fixed redaction paths cannot cover it):
 * secret fields are censored at any depth, URLs inside text lose their
 * credentials, errors become `{ type, message, stack, code... }` (redacted too),
 * cycles and depth are bounded.
 */
export function loggable(value: unknown): unknown {
  return toLoggable(value, 0, new WeakSet());
}

function toLoggable(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactUrlsIn(value);
  if (typeof value === "bigint" || typeof value === "symbol") return value.toString();
  if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  if (value instanceof Error) return toLoggable(errorFields(value), depth, seen);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
  if (depth >= MAX_LOGGABLE_DEPTH) return Array.isArray(value) ? "[Array]" : "[Object]";
  seen.add(value);
  try {
    if (Array.isArray(value) || value instanceof Set) return [...value].map((item) => toLoggable(item, depth + 1, seen));
    const entries = value instanceof Map ? [...value].map(([key, item]) => [String(key), item] as const) : Object.entries(value);
    return Object.fromEntries(entries.map(([key, item]) => [key, SECRET_KEYS_LOWER.has(key.toLowerCase()) ? censor(item) : toLoggable(item, depth + 1, seen)]));
  } finally {
    seen.delete(value);
  }
}

/** pino's error fields (type, message and stack with their causes, code, errno...) as a plain object. */
function errorFields(error: Error): Record<string, unknown> {
  return { ...pino.stdSerializers.err(error) } as Record<string, unknown>;
}
