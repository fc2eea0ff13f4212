import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { freePort } from "../../loadtest/ports.ts";
import { startScript, type ExitResult } from "./scriptProcess.ts";
import { stopWhenDone } from "./teardown.ts";

const ENTRY = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

/** Runs the server entry point with `env` until it exits by itself (or the deadline kills it). */
export async function runToExit(env: Record<string, string>, deadlineMs = 10_000): Promise<ExitResult> {
  return startScript(ENTRY, [], { env, deadlineMs }).exited;
}

export interface RunningServer {
  port: number;
  httpUrl: string;
  /** The loopback admin listener (panel, admin API, metrics). */
  adminUrl: string;
  wsUrl: string;
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Record<string, unknown>[];
  /** SIGTERM (and SIGCONT, in case a test froze it), then wait for the exit (SIGKILL after the deadline). Idempotent. */
  stop(deadlineMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a real server process and resolves once it is ready (/readyz): on a
 * free port, or on `env.PORT` (to bring a stopped server back where clients expect it).
 * Stopped when its owner is done (see stopWhenDone).
 */
export async function startServer(env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<RunningServer> {
  const port = env.PORT !== undefined ? Number(env.PORT) : await freePort();
  const adminPort = env.ADMIN_PORT !== undefined ? Number(env.ADMIN_PORT) : await freePort();
  const child = spawn(process.execPath, [...nodeArgs, ENTRY], {
    // Tests drive servers from 127.0.0.1 as a load generator would, so that address is exempt from the
    // per-address matchmaking limits (as docs/security.md says to do for one); tests of those limits act from
    // other loopback addresses (127.0.0.2 and up), which the defaults apply to.
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), ADMIN_PORT: String(adminPort), RATE_LIMIT_EXEMPT: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const logs: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  // Ready once /readyz says so (whatever LOG_LEVEL hides): start-up has ended, the admin listener
  // included (/healthz answers a little earlier, as soon as the public port listens). Bounded by a deadline.
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error("server did not start within 15 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const server: RunningServer = {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    child,
    logs,
    async stop(deadlineMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
      const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
      child.kill("SIGCONT");
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), deadlineMs);
      const [code, signal] = await exited;
      clearTimeout(killer);
      return { code, signal };
    },
  };
  stopWhenDone(() => server.stop());
  return server;
}
