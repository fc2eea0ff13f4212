/** Process configuration: parsed once from the environment by `loadConfig`. */
import { hostname as machineHostname } from "node:os";
import { parseAddressList, type AddressRange } from "./clientAddress.ts";
import { MODE_PATTERN } from "./identifiers.ts";
import { redactUrl } from "./redact.ts";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  /** TCP port for HTTP and WebSocket. */
  port: number;
  host: string;
  /** Fixed simulation rate. */
  tickHz: number;
  /** State patches per second sent to each client. */
  patchHz: number;
  /** Players per arena room; a room's CPU per player grows with the players in view (docs/performance.md). */
  arenaMaxClients: number;
  /** Clients see entities within this distance of their own player. */
  viewRadiusUnits: number;
  /** How long a dropped player's seat and entity are held for a reconnection. */
  reconnectGraceS: number;
  /** Oldest past a shooter may be judged against (lag compensation window). */
  maxRewindMs: number;
  logLevel: LogLevel;
  /** Set: Redis presence + driver (many processes), one Redis or a Sentinel-watched primary. Unset: the embedded local default. */
  redis: RedisTarget | undefined;
  /** Where clients reach this process (host:port or host/path); derived from HOST and PORT when unset. */
  publicAddress: string | undefined;
  /** This process's number among its siblings (PM2's NODE_APP_INSTANCE); ports are offset by it. */
  instance: number | undefined;
  /** A Redis command (or the watchdog's PING) unanswered this long marks Redis down. */
  redisCommandTimeoutMs: number;
  /** How long a starting process waits for Redis before it exits with the reason. */
  redisStartupTimeoutS: number;
  /** How long a draining process waits for its rooms to empty before closing them. */
  drainTimeoutS: number;
  /** A process silent this long is considered dead: placement skips it and its listings go. */
  staleProcessS: number;
  /** Bearer token for admin routes; unset: admin routes answer loopback requests only. */
  adminToken: string | undefined;
  /** Bearer token for GET /metrics; unset: /metrics answers loopback requests only. */
  metricsToken: string | undefined;
  /** Prometheus metrics and per-room stats collection. */
  isMetricsEnabled: boolean;
  /** Serve the web client's source map (/client/app.js.map, with absolute build paths). */
  isClientSourceMapsEnabled: boolean;
  /** A client whose unsent data passes this is closed (a quarter of it marks it lagging). */
  maxClientBufferBytes: number;
  /** A client sending more messages (inputs included) in one second is closed. */
  maxMessagesPerSecond: number;
  /** Placement skips a process at this many game rooms. */
  maxRoomsPerProcess: number;
  /** A process at this many clients stops taking players (its rooms lock; placement skips it). */
  maxClientsPerProcess: number;
  /** Set: joining needs an HS256 token signed with it; unset: anonymous play. */
  joinSecret: string | undefined;
  /** Proxies whose X-Forwarded-For is believed (see src/clientAddress.ts); empty: none. */
  trustedProxies: readonly AddressRange[];
  /** Matchmaking requests (seat reservations) one client address may make per minute, cluster-wide. */
  maxJoinsPerAddressPerMin: number;
  /** Rooms one client address may cause to be created per minute, cluster-wide. */
  maxRoomsPerAddressPerMin: number;
  /** Client addresses exempt from the per-address limits (a load generator, say). */
  rateLimitExempt: readonly AddressRange[];
  /** A seat reservation not used within this long is freed, and its room with it if empty. */
  seatReservationS: number;
  /** Modes a client may ask for; empty: any well-formed mode. */
  allowedModes: readonly string[];
  /** Loopback port of the admin listener (panel, admin API, metrics); 0: any free port. */
  adminPort: number;
  /** How long a panel login lasts. */
  adminSessionTtlS: number;
  /** AGONES_SDK: run the GameServer lifecycle through the Agones SDK sidecar (src/agones/AgonesLifecycle.ts). */
  isAgonesEnabled: boolean;
}

/** Where the shared Redis is: one URL (REDIS_URL), or the primary that Redis Sentinel names (REDIS_SENTINELS). */
export type RedisTarget =
  | { kind: "url"; url: string }
  | {
    kind: "sentinel";
    sentinels: readonly { host: string; port: number }[];
    /** The primary's name in the Sentinels' `sentinel monitor` line. */
    primaryName: string;
    /** The primary's and replicas' password (REDIS_PASSWORD). */
    password: string | undefined;
    /** The Sentinels' own password (REDIS_SENTINEL_PASSWORD). */
    sentinelPassword: string | undefined;
  };

/** The target as an operator would recognise it, without any password: for logs and error messages. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === "url") return `REDIS_URL=${JSON.stringify(redactUrl(target.url))}`;
  const sentinels = target.sentinels.map(({ host, port }) => `${host.includes(":") ? `[${host}]` : host}:${port}`).join(",");
  return `REDIS_SENTINELS=${JSON.stringify(sentinels)} (REDIS_SENTINEL_NAME=${JSON.stringify(target.primaryName)})`;
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

/** A switch: 1, on or true; 0, off or false (any case). */
function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = raw.trim().toLowerCase();
  if (value === "1" || value === "on" || value === "true") return true;
  if (value === "0" || value === "off" || value === "false") return false;
  throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected 1, 0, on, off, true or false`);
}

function hostname(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  if (!/^[A-Za-z0-9.:\-\[\]]+$/.test(raw)) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected a hostname or IP address`);
  }
  return raw;
}

function optionalMatching(env: Env, name: string, pattern: RegExp, accepts: string, { isSecret = false } = {}): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!pattern.test(raw)) throw new ConfigError(`${name}${isSecret ? "" : `=${JSON.stringify(raw)}`} is invalid: expected ${accepts}`);
  return raw;
}

function redisUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  // The message shows the URL without its password.
  const invalid = new ConfigError(`${name}=${JSON.stringify(redactUrl(raw))} is invalid: expected a redis:// or rediss:// URL`);
  if (!/^rediss?:\/\/\S+$/.test(raw)) throw invalid;
  try {
    new URL(raw);
  } catch {
    throw invalid;
  }
  return raw;
}

const SENTINEL_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const HOST_PORT_PATTERN = /^([A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

/** REDIS_URL, or REDIS_SENTINELS with REDIS_SENTINEL_NAME (and optionally the two passwords); never both. */
function redisTarget(env: Env): RedisTarget | undefined {
  const url = redisUrl(env, "REDIS_URL");
  const sentinelList = env.REDIS_SENTINELS?.trim() ?? "";
  const primaryName = env.REDIS_SENTINEL_NAME?.trim() ?? "";
  const password = optionalMatching(env, "REDIS_PASSWORD", /^\S{1,512}$/, "1-512 non-space characters", { isSecret: true });
  const sentinelPassword = optionalMatching(env, "REDIS_SENTINEL_PASSWORD", /^\S{1,512}$/, "1-512 non-space characters", { isSecret: true });
  if (sentinelList === "") {
    for (const name of ["REDIS_SENTINEL_NAME", "REDIS_PASSWORD", "REDIS_SENTINEL_PASSWORD"]) {
      if (env[name] !== undefined && env[name].trim() !== "") throw new ConfigError(`${name} is set but REDIS_SENTINELS is not: it only applies to Redis Sentinel (with REDIS_URL, put the password in the URL)`);
    }
    return url === undefined ? undefined : { kind: "url", url };
  }
  if (url !== undefined) throw new ConfigError("REDIS_URL and REDIS_SENTINELS are both set: set one (REDIS_SENTINELS for a Sentinel-watched primary)");
  const sentinels = sentinelList.split(",").map((entry) => {
    const match = HOST_PORT_PATTERN.exec(entry.trim());
    const port = Number(match?.[2]);
    if (match === null || port < 1 || port > 65535) {
      throw new ConfigError(`REDIS_SENTINELS=${JSON.stringify(sentinelList)} is invalid: expected comma-separated host:port (${JSON.stringify(entry.trim())} is not)`);
    }
    return { host: match[1]!.replace(/^\[|\]$/g, ""), port };
  });
  if (primaryName === "") throw new ConfigError("REDIS_SENTINELS is set but REDIS_SENTINEL_NAME is not: expected the primary's name from the Sentinels' `sentinel monitor` line");
  if (!SENTINEL_NAME_PATTERN.test(primaryName)) {
    throw new ConfigError(`REDIS_SENTINEL_NAME=${JSON.stringify(primaryName)} is invalid: expected 1-64 of A-Z, a-z, 0-9, ., _ and -`);
  }
  return { kind: "sentinel", sentinels, primaryName, password, sentinelPassword };
}

const PUBLIC_ADDRESS_PATTERN = /^[A-Za-z0-9.\-]+(:\d{1,5})?(\/[A-Za-z0-9._~\-\/]*)?$/;

/** What a PUBLIC_ADDRESS placeholder can be filled from. */
interface AddressFacts {
  port: number;
  hostname: string;
  /** NODE_APP_INSTANCE, else the ordinal ending the hostname (a StatefulSet pod: `gameserver-2`). */
  instance: number | undefined;
}

/**
 * host[:port][/path], no scheme; a port, when given, from 1 to 65535. Placeholders give each process
 * of a fleet its own address from one setting: {instance} (0-based), {index} (instance + 1, like
 * nginx's /pN/ routes), {hostname} and {port}.
 */
function publicAddress(env: Env, name: string, facts: AddressFacts): string | undefined {
  const template = env[name];
  if (template === undefined || template.trim() === "") return undefined;
  const raw = template.replace(/\{(\w*)\}/g, (placeholder, key: string) => {
    if (key === "hostname") return facts.hostname;
    if (key === "port") return String(facts.port);
    if (key !== "instance" && key !== "index") {
      throw new ConfigError(`${name}=${JSON.stringify(template)} is invalid: unknown placeholder ${placeholder} (expected {instance}, {index}, {hostname} or {port})`);
    }
    if (facts.instance === undefined) {
      throw new ConfigError(`${name}=${JSON.stringify(template)} is invalid: ${placeholder} needs NODE_APP_INSTANCE or a hostname ending in -N (a StatefulSet pod), and this process has neither`);
    }
    return String(key === "index" ? facts.instance + 1 : facts.instance);
  });
  const shown = raw === template ? JSON.stringify(raw) : `${JSON.stringify(template)} (${JSON.stringify(raw)})`;
  if (!PUBLIC_ADDRESS_PATTERN.test(raw)) throw new ConfigError(`${name}=${shown} is invalid: expected host:port or host/path (no scheme)`);
  const port = raw.match(/^[^:\/]+:(\d+)/)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    throw new ConfigError(`${name}=${shown} is invalid: expected a port from 1 to 65535 after the host`);
  }
  return raw;
}

function addressList(env: Env, name: string): AddressRange[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return [];
  const parsed = parseAddressList(raw);
  if (!parsed.ok) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected comma-separated IP addresses or CIDRs (${JSON.stringify(parsed.bad)} is neither)`);
  }
  return parsed.ranges;
}

function modeList(env: Env, name: string): string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return [];
  const modes = raw.split(",").map((m) => m.trim());
  if (modes.some((m) => !MODE_PATTERN.test(m))) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is invalid: expected comma-separated modes of 1-24 a-z, 0-9 and -`);
  }
  return modes;
}

/** The admin listener's default: 100 above the game port, or any free port when the game port is. */
function defaultAdminPort(port: number): number {
  return port === 0 || port + 100 > 65535 ? 0 : port + 100;
}

/** Adds PM2's instance offset to a configured port (0, any free port, stays 0). */
function offsetPort(name: string, port: number, instance: number | undefined): number {
  if (instance === undefined || port === 0) return port;
  if (port + instance > 65535) throw new ConfigError(`${name}=${port} plus NODE_APP_INSTANCE=${instance} is past 65535`);
  return port + instance;
}

/**
 * Parses and validates the environment. Throws `ConfigError` on the first bad value.
 * `machine.hostname` fills PUBLIC_ADDRESS's {hostname} and, for a StatefulSet pod, its {instance}.
 */
export function loadConfig(env: Env, machine: { hostname: string } = { hostname: machineHostname() }): Readonly<Config> {
  const tickHz = integer(env, "TICK_HZ", 30, 1, 120);
  // PM2 fork mode runs N copies of one command line: NODE_APP_INSTANCE (0..N-1) gives each its own ports.
  const instance = env.NODE_APP_INSTANCE === undefined || env.NODE_APP_INSTANCE.trim() === "" ? undefined : integer(env, "NODE_APP_INSTANCE", 0, 0, 4_096);
  const port = offsetPort("PORT", integer(env, "PORT", 2567, 0, 65535), instance);
  const ordinal = /-(\d{1,4})$/.exec(machine.hostname)?.[1];
  const config: Config = {
    port,
    host: hostname(env, "HOST", "0.0.0.0"),
    tickHz,
    patchHz: integer(env, "PATCH_HZ", 20, 1, tickHz),
    arenaMaxClients: integer(env, "ARENA_MAX_CLIENTS", 64, 1, 10_000),
    viewRadiusUnits: integer(env, "VIEW_RADIUS", 40, 5, 400),
    reconnectGraceS: integer(env, "RECONNECT_GRACE_S", 10, 0, 3600),
    maxRewindMs: integer(env, "MAX_REWIND_MS", 250, 0, 1000),
    logLevel: oneOf(env, "LOG_LEVEL", "info", LOG_LEVELS),
    redis: redisTarget(env),
    publicAddress: publicAddress(env, "PUBLIC_ADDRESS", { port, hostname: machine.hostname, instance: instance ?? (ordinal === undefined ? undefined : Number(ordinal)) }),
    instance,
    redisCommandTimeoutMs: integer(env, "REDIS_COMMAND_TIMEOUT_MS", 2_000, 100, 60_000),
    redisStartupTimeoutS: integer(env, "REDIS_STARTUP_TIMEOUT_S", 10, 1, 3600),
    drainTimeoutS: integer(env, "DRAIN_TIMEOUT_S", 30, 0, 3600),
    staleProcessS: integer(env, "STALE_PROCESS_S", 6, 4, 10),
    adminToken: optionalMatching(env, "ADMIN_TOKEN", /^\S{16,}$/, "at least 16 non-space characters"),
    metricsToken: optionalMatching(env, "METRICS_TOKEN", /^\S{16,}$/, "at least 16 non-space characters"),
    isMetricsEnabled: oneOf(env, "METRICS", "on", ["on", "off"] as const) === "on",
    isClientSourceMapsEnabled: oneOf(env, "CLIENT_SOURCE_MAPS", "off", ["on", "off"] as const) === "on",
    maxClientBufferBytes: integer(env, "MAX_CLIENT_BUFFER_BYTES", 1_048_576, 16_384, 67_108_864),
    maxMessagesPerSecond: integer(env, "MAX_MESSAGES_PER_SECOND", Math.max(60, tickHz * 3), tickHz + 10, 10_000),
    maxRoomsPerProcess: integer(env, "MAX_ROOMS_PER_PROCESS", 500, 1, 100_000),
    maxClientsPerProcess: integer(env, "MAX_CLIENTS_PER_PROCESS", 5_000, 1, 1_000_000),
    joinSecret: optionalMatching(env, "JOIN_SECRET", /^\S{32,}$/, "at least 32 non-space characters"),
    trustedProxies: addressList(env, "TRUSTED_PROXIES"),
    maxJoinsPerAddressPerMin: integer(env, "MAX_JOINS_PER_ADDRESS_PER_MIN", 120, 1, 1_000_000),
    maxRoomsPerAddressPerMin: integer(env, "MAX_ROOMS_PER_ADDRESS_PER_MIN", 20, 1, 1_000_000),
    rateLimitExempt: addressList(env, "RATE_LIMIT_EXEMPT"),
    seatReservationS: integer(env, "SEAT_RESERVATION_S", 8, 2, 60),
    allowedModes: modeList(env, "MODES"),
    adminPort: env.ADMIN_PORT === undefined || env.ADMIN_PORT.trim() === "" ? defaultAdminPort(port) : offsetPort("ADMIN_PORT", integer(env, "ADMIN_PORT", 0, 0, 65535), instance),
    adminSessionTtlS: integer(env, "ADMIN_SESSION_TTL_S", 28_800, 5, 604_800),
    isAgonesEnabled: flag(env, "AGONES_SDK", false),
  };
  return Object.freeze(config);
}
