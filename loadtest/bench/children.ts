/**
 * The harness's child processes: spawned pinned to a core (when taskset
 * exists), tracked, and all killed when the harness exits for any reason,
 * Ctrl-C included.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";

/** Output kept per child for error messages. */
const TAIL_CHARS = 4_000;

const live = new Set<ChildProcess>();
export const hasTaskset = spawnSync("taskset", ["-V"]).status === 0;

export interface Child {
  process: ChildProcess;
  pid: number;
  /** The last few KB of stderr and stdout, for a failure message. */
  tail(): string;
  onLine(listener: (line: string) => void): void;
}

/** Runs `node script` with the harness's own Node, pinned to `core` when taskset exists. */
export function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv, core: number): Child {
  const nodeArgs = [script, ...args];
  // taskset execs node in place, so the pid we read /proc of is node's.
  const proc = hasTaskset
    ? spawn("taskset", ["-c", String(core), process.execPath, ...nodeArgs], { env, stdio: ["ignore", "pipe", "pipe"] })
    : spawn(process.execPath, nodeArgs, { env, stdio: ["ignore", "pipe", "pipe"] });
  if (proc.pid === undefined) throw new Error(`could not start ${script}`);
  live.add(proc);
  proc.once("exit", () => live.delete(proc));
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-TAIL_CHARS);
  };
  proc.stderr!.on("data", keep);
  const listeners: ((line: string) => void)[] = [];
  let partial = "";
  proc.stdout!.on("data", (chunk: Buffer) => {
    keep(chunk);
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) for (const listener of listeners) listener(line);
  });
  return { process: proc, pid: proc.pid, tail: () => tail, onLine: (listener) => void listeners.push(listener) };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child is gone. */
export async function stopChild(child: Child, graceMs = 3_000): Promise<void> {
  const proc = child.process;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = once(proc, "exit");
  proc.kill("SIGTERM");
  const killer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(killer);
}

function killAll(): void {
  for (const proc of live) proc.kill("SIGKILL");
  live.clear();
}

/** Kills every child on exit, on Ctrl-C and on SIGTERM (then exits 130/143). */
export function killChildrenOnExit(): void {
  process.on("exit", killAll);
  process.on("SIGINT", () => {
    killAll();
    process.exit(130);
  });
  process.on("SIGTERM", () => {
    killAll();
    process.exit(143);
  });
}

/** Pins this process to `core` (the harness itself stays off the server's core). */
export function pinSelf(core: number): void {
  if (hasTaskset) spawnSync("taskset", ["-a", "-cp", String(core), String(process.pid)]);
}


/** Resolves once anything answers HTTP on the port (every contender's server does); polls until the deadline. */
export async function waitForHttp(port: number, child: Child, deadlineMs: number): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`server exited with ${child.process.exitCode}: ${child.tail()}`);
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`server did not answer on port ${port} within ${deadlineMs} ms: ${child.tail()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
