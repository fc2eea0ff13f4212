/** Process configuration: parsed once from the environment by `loadConfig`. */

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** TCP port for HTTP and WebSocket. */
  port: number;
  host: string;
  /** Fixed simulation rate. */
  tickHz: number;
  /** State patches per second sent to each client. */
  patchHz: number;
  arenaMaxClients: number;
  /** Clients see entities within this distance of their own player. */
  viewRadiusUnits: number;
  /** How long a dropped player's seat and entity are held for a reconnection. */
  reconnectGraceS: number;
  /** Oldest past a shooter may be judged against (lag compensation window). */
  maxRewindMs: number;
  logLevel: LogLevel;
}

/** A configuration value that cannot be used; the message names the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!/^\s*-?\d+\s*$/.test(raw) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected an integer from ${min} to ${max}`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = raw.trim().toLowerCase();
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected one of ${allowed.join(", ")}`);
  }
  return value as T;
}

function hostname(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^[A-Za-z0-9.:\-\[\]]+$/.test(raw)) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected a hostname or IP address`);
  }
  return raw;
}

/** Parses and validates the environment. Throws `ConfigError` on the first bad value. */
export function loadConfig(env: Env): Readonly<Config> {
  const tickHz = integer(env, "TICK_HZ", 30, 1, 120);
  const config: Config = {
    port: integer(env, "PORT", 2567, 0, 65535),
    host: hostname(env, "HOST", "0.0.0.0"),
    tickHz,
    patchHz: integer(env, "PATCH_HZ", 20, 1, tickHz),
    arenaMaxClients: integer(env, "ARENA_MAX_CLIENTS", 64, 1, 512),
    viewRadiusUnits: integer(env, "VIEW_RADIUS", 40, 5, 400),
    reconnectGraceS: integer(env, "RECONNECT_GRACE_S", 10, 0, 3600),
    maxRewindMs: integer(env, "MAX_REWIND_MS", 250, 0, 1000),
    logLevel: oneOf(env, "LOG_LEVEL", "info", LOG_LEVELS),
  };
  return Object.freeze(config);
}
