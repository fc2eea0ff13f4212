import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { freePort } from "../../loadtest/ports.ts";
import { stopWhenDone } from "./teardown.ts";

export interface PrivateRedis {
  port: number;
  url: string;
  /** Stops the server (data is lost: no persistence). Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

/**
 * A private redis-server on a free port, so tests that stop, restart or flush
 * Redis never touch the shared one on 6379. Nothing is persisted. `extraArgs`
 * go to redis-server (`["--requirepass", pw]`, say); `url` carries no credentials.
 * Stopped when its owner is done (see stopWhenDone), restarted or not.
 */
export async function startPrivateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const proc = spawn("redis-server", [
      "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "notice", ...extraArgs,
    ], { stdio: ["ignore", "pipe", "inherit"] });
    child = proc;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server on ${port} did not start within 10 s`)), 10_000);
      proc.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
      createInterface({ input: proc.stdout! }).on("line", (line) => {
        if (line.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  async function stop(): Promise<void> {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null) return;
    const exited = once(proc, "exit");
    proc.kill("SIGKILL");
    await exited;
  }

  // Registered first: a start that times out leaves a process to stop too.
  stopWhenDone(stop);
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start };
}
