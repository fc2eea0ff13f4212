import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import type { Readable } from "node:stream";
import { stopWhenDone } from "./teardown.ts";

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** From the start until it ended. */
  elapsedMs: number;
}

export interface ScriptRun {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Its standard output so far. */
  stdout(): string;
  /** Its standard error so far. */
  stderr(): string;
  /** Settles once it has ended, by itself, by a signal the test sent, or killed at the deadline. */
  exited: Promise<ExitResult>;
}

export interface ScriptOptions {
  /** Set on top of this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** Killed after this long: a run that hangs then fails its exit-code check, not the test's timeout. */
  deadlineMs: number;
  /** The signal sent at the deadline: SIGKILL unless the script must get to clean up after itself. */
  deadlineSignal?: NodeJS.Signals;
  /** "close" also waits for its output to end (a supervisor relays its workers' lines after they exit). */
  until?: "exit" | "close";
}

/**
 * Runs a Node script as its own process, as a user would run it, collecting its output. A run
 * still going when its owner is done is SIGKILLed (see stopWhenDone). `await startScript(...).exited`
 * runs a script to its end.
 */
export function startScript(
  script: string, args: string[], { env = {}, cwd, deadlineMs, deadlineSignal = "SIGKILL", until = "exit" }: ScriptOptions,
): ScriptRun {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [script, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const killer = setTimeout(() => child.kill(deadlineSignal), deadlineMs);
  const exited = (once(child, until) as Promise<[number | null, NodeJS.Signals | null]>).then(([code, signal]) => {
    clearTimeout(killer);
    return { code, signal, stdout, stderr, elapsedMs: performance.now() - startedAt };
  });
  stopWhenDone(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}
