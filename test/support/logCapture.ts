import { Writable } from "node:stream";
import { createLogger } from "../../src/logger.ts";

export interface LogLine {
  level: number;
  event?: string;
  roomId?: string;
  msg?: string;
  [key: string]: unknown;
}

/** A real pino logger whose JSON lines are kept in memory, so tests can assert on structured logs. */
export function captureLogs() {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: createLogger("info", sink), lines };
}
