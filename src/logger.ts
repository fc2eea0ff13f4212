import { pino, type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "./config.ts";

/** Structured JSON logs, one line per event, to stdout (or `destination`, for tests). */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, base: { pid: process.pid } }, destination);
}
