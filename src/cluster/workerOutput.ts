/** Why a worker stopped, from the last things it printed. */
export interface WorkerFailure {
  /** One line: its last error-level log message (with the error's own message), else its last stderr line. */
  reason: string;
  /** It could not bind a port (EADDRINUSE, EACCES...): restarting it would fail the same way. */
  isListenFailure: boolean;
  /** The port the failed bind asked for, when the error names it. */
  port: number | undefined;
}

/**
 * Stderr lines that say nothing on their own: blank, stack frames and source
 * excerpts (indented), the caret under them, and the "Node.js v24..." footer
 * Node prints after an uncaught error; the line naming the error stays.
 */
const IS_STDERR_NOISE = /^(\s.*|\s*|\^+\s*|Node\.js v\d.*)$/;

/** An error-level line or worse (pino: error 50, fatal 60). */
const ERROR_LEVEL = 50;

interface LogEntry {
  level?: unknown;
  msg?: unknown;
  port?: unknown;
  err?: { message?: unknown; syscall?: unknown; port?: unknown };
}

/**
 * The last lines one run of a worker printed: its JSON log lines (stdout) and
 * anything else (stderr: a crash before the logger existed, Node's own
 * messages). Bounded rings, so a long-lived worker costs nothing; lines are
 * parsed only when the worker has died.
 */
export class WorkerOutput {
  private readonly stdout: string[] = [];
  private readonly stderr: string[] = [];
  private readonly maxLines: number;

  constructor(maxLines = 50) {
    this.maxLines = maxLines;
  }

  noteStdout(line: string): void {
    push(this.stdout, line, this.maxLines);
  }

  noteStderr(line: string): void {
    if (!IS_STDERR_NOISE.test(line)) push(this.stderr, line, this.maxLines);
  }

  /** Why it failed, or undefined when it printed nothing that says (it was killed, say). */
  failure(): WorkerFailure | undefined {
    for (let i = this.stdout.length - 1; i >= 0; i--) {
      const entry = parse(this.stdout[i]!);
      if (entry === undefined || typeof entry.level !== "number" || entry.level < ERROR_LEVEL) continue;
      const msg = typeof entry.msg === "string" ? entry.msg : "";
      const errMessage = typeof entry.err?.message === "string" ? entry.err.message : "";
      const reason = errMessage === "" || msg.includes(errMessage) ? msg : msg === "" ? errMessage : `${msg}: ${errMessage}`;
      const isListenFailure = entry.err?.syscall === "listen" || entry.err?.syscall === "bind";
      const port = typeof entry.err?.port === "number" ? entry.err.port : typeof entry.port === "number" ? entry.port : undefined;
      return { reason, isListenFailure, port: isListenFailure ? port : undefined };
    }
    const last = this.stderr.at(-1);
    return last === undefined ? undefined : { reason: last.trim(), isListenFailure: false, port: undefined };
  }
}

function push(ring: string[], line: string, maxLines: number): void {
  ring.push(line);
  if (ring.length > maxLines) ring.shift();
}

function parse(line: string): LogEntry | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null ? (value as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}
