/**
 * What every baseline server shares: its settings from the environment (the
 * harness sets them; these scripts are not user-facing) and a lifetime tied
 * to the harness, so a crashed harness never leaves a server behind.
 */
import { createServer, type Server } from "node:http";

export interface BaselineSettings {
  port: number;
  /** Fixed simulation rate, ticks per second. */
  tickHz: number;
  /** State updates per second to each client. */
  patchHz: number;
}

/** A server that has no other way to say it listens: any HTTP answer means ready (the harness polls it). */
export function createReadyHttpServer(): Server {
  return createServer((_req, res) => res.end("ok"));
}

export function readSettings(env: NodeJS.ProcessEnv): BaselineSettings {
  const int = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name}=${env[name]} is not a non-negative integer`);
    return value;
  };
  return { port: int("PORT", 0), tickHz: int("TICK_HZ", 30), patchHz: int("PATCH_HZ", 20) };
}

/**
 * Exits on SIGTERM/SIGINT and when the parent (the harness) goes away: its
 * parent pid changes once it is reparented. Checked once a second, unref'd.
 */
export function exitWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 1_000).unref();
  process.on("SIGTERM", () => process.exit(0));
  process.on("SIGINT", () => process.exit(0));
}
