import { ServerError, type MatchMakerDriver, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";
import { forgetFailedListingReads, subscriberConnectionOf, wrapMatchmakingCalls } from "../../rooms/colyseusInternals.ts";
import { ERROR_CODES } from "../closeCodes.ts";
import { describeRedisTarget, type RedisTarget } from "../config.ts";
import { redactUrlsIn } from "../redact.ts";
import { spreadJoins } from "./spreadJoins.ts";

export type RedisHealth = "ok" | "down" | "embedded";

/** The deploy-time choice between one embedded process and many joined by Redis. */
export interface Scaling {
  /** Undefined: Colyseus' local presence and driver. */
  presence: Presence | undefined;
  driver: MatchMakerDriver | undefined;
  redisHealth(): RedisHealth;
  /** Resolves once Redis answers; rejects with a one-line reason after `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>;
  /** Runs `listener` each time Redis comes back after an outage. */
  onRecovered(listener: () => void): void;
  /** Stops watching the connections (before shutdown closes them). */
  stop(): void;
}

// Reconnect within a second of Redis coming back, however long it was away.
const RECONNECT_DELAY_MAX_MS = 1_000;
const WATCHDOG_INTERVAL_MS = 1_000;

export interface ScalingOptions {
  /** A command, or the watchdog's PING, unanswered this long fails and marks Redis down. */
  commandTimeoutMs: number;
}

/** One Redis connection as the watchdog sees it. */
interface Watched {
  client: Redis;
  isPinging: boolean;
  /** When the current silence began (a PING went unanswered), or undefined while answering; a redial keeps it until the new connection is ready. */
  silentSince: number | undefined;
}

/**
 * The one place that decides how processes share matchmaking: Redis presence
 * and driver when a Redis `target` is set, the embedded default otherwise. Rooms
 * never see the difference.
 *
 * A Redis that closes its socket is noticed at once. A cut link closes nothing:
 * commands would wait on TCP for minutes. So every command has a deadline, a
 * watchdog PINGs each connection once a second and marks Redis down when one
 * does not answer in time, and a connection silent for long is redialled.
 */
export function createScaling(target: RedisTarget | undefined, logger: Logger, { commandTimeoutMs }: ScalingOptions): Scaling {
  if (target === undefined) {
    return {
      presence: undefined,
      driver: undefined,
      redisHealth: () => "embedded",
      ready: async () => undefined,
      onRecovered: () => undefined,
      stop: () => undefined,
    };
  }

  const options: RedisOptions = {
    retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_DELAY_MAX_MS),
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(2 * commandTimeoutMs, 2_000),
  };
  // TCP retransmits into a cut link with growing gaps; a fresh connection recovers as soon as the link does.
  const redialAfterMs = Math.max(5 * commandTimeoutMs, 10_000);
  const presenceClient = connect(target, options);
  const driverClient = connect(target, options);
  const presence = new RedisPresence(presenceClient);
  markRejectionsHandled(presence);
  // The presence's subscriber connection carries every cross-process message: it is watched too.
  const subscriberClient = subscriberConnectionOf(presence);
  const watched: Watched[] = [presenceClient, driverClient, subscriberClient].map((client) => ({ client, isPinging: false, silentSince: undefined }));
  const isUp = () => watched.every((w) => w.client.status === "ready" && w.silentSince === undefined);
  const recoveryListeners: (() => void)[] = [];
  // Undefined until ready(): the first connection is not a recovery.
  let wasUp: boolean | undefined;
  let downReason = "";
  // Why the connections fail (ECONNREFUSED, WRONGPASS...): a start that gives up says it.
  let lastConnectionError: string | undefined;
  // Set by stop(): the shutdown that follows closes the connections on purpose, which is no outage.
  let isStopped = false;

  const refresh = () => {
    const up = isUp();
    if (isStopped || wasUp === undefined || up === wasUp) return;
    wasUp = up;
    if (!up) {
      logger.error({ event: "redis_down", reason: downReason }, `lost Redis: ${downReason}`);
      return;
    }
    logger.info({ event: "redis_recovered" }, "Redis is back");
    for (const listener of recoveryListeners) listener();
  };

  for (const w of watched) {
    // ioredis reports every failed reconnect; refresh() says it once, ready() gives the last reason.
    w.client.on("error", (error: Error & { code?: string }) => {
      lastConnectionError = error.message || error.code || String(error);
    });
    w.client.on("close", () => {
      downReason = "the connection closed";
      refresh();
    });
    w.client.on("ready", () => {
      w.silentSince = undefined;
      refresh();
    });
  }

  // ioredis gives a connection up for good ("end") when a connect attempt is cut short: behind
  // Sentinel, a failover announcement that lands while it asks for the new primary does that (seen
  // in test/sentinel.heavy.test.ts: one process stayed without Redis after the failover). Only
  // stop() ends them on purpose, and it stops this watchdog first: any other end is dialled again.
  const redialEnded = (w: Watched) => {
    logger.warn({ event: "redis_redial", reason: "the connection gave up" }, "Redis connection ended: dialling again");
    w.client.connect().catch(() => undefined);
  };

  const ping = async (w: Watched) => {
    w.isPinging = true;
    try {
      await w.client.ping();
      w.silentSince = undefined;
    } catch {
      w.silentSince ??= Date.now();
      downReason = `no answer within ${commandTimeoutMs} ms (REDIS_COMMAND_TIMEOUT_MS)`;
      if (Date.now() - w.silentSince >= redialAfterMs) {
        logger.warn({ event: "redis_redial", silentMs: Date.now() - w.silentSince }, "Redis connection silent: redialling");
        // Not pinged again until the new connection is ready (which ends the silence).
        w.client.disconnect(true);
      }
    } finally {
      w.isPinging = false;
      refresh();
    }
  };
  const watchdog = setInterval(() => {
    for (const w of watched) {
      if (w.client.status === "end") redialEnded(w);
      else if (w.client.status === "ready" && !w.isPinging) void ping(w);
    }
  }, WATCHDOG_INTERVAL_MS);
  watchdog.unref();

  return {
    presence,
    driver: spreadJoins(forgetFailedListingReads(new RedisDriver(driverClient))),
    redisHealth: () => (isUp() ? "ok" : "down"),
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!isUp()) {
        if (Date.now() > deadline) {
          const reason = lastConnectionError === undefined ? "" : `: ${redactUrlsIn(lastConnectionError)}`;
          throw new Error(`${describeRedisTarget(target)}: cannot connect to Redis within ${timeoutMs / 1000} s (REDIS_STARTUP_TIMEOUT_S)${reason}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      wasUp = true;
    },
    onRecovered: (listener) => recoveryListeners.push(listener),
    stop: () => {
      isStopped = true;
      clearInterval(watchdog);
    },
  };
}

/**
 * One connection to the target. Behind Sentinel, ioredis asks the Sentinels for the current primary
 * on every (re)connect and checks its role, so after a failover the retries land on the promoted
 * replica; the failover detector drops a connection as soon as a Sentinel announces the switch.
 */
function connect(target: RedisTarget, options: RedisOptions): Redis {
  if (target.kind === "url") return new Redis(target.url, options);
  return new Redis({
    ...options,
    sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
    name: target.primaryName,
    password: target.password,
    sentinelPassword: target.sentinelPassword,
    // Ask the next Sentinel quickly while they elect a new primary; the same bound as the data connection.
    sentinelRetryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_DELAY_MAX_MS),
    failoverDetector: true,
    // A connection still on a primary the Sentinels demoted (it outlived the failover) is refused
    // writes: reconnect, which asks the Sentinels again.
    reconnectOnError: (error) => error.message.startsWith("READONLY"),
  });
}

/**
 * Core calls some presence methods and drops the promise (Stats.persist's `hset` from a timer, IPC's
 * `unsubscribe` after a timed-out request...): with command deadlines, each failure during an outage
 * surfaced as an unhandled rejection. Every promise the presence returns is marked handled; callers
 * that await it still see the rejection.
 */
function markRejectionsHandled(presence: RedisPresence): void {
  const methods = presence as unknown as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(RedisPresence.prototype)) {
    const method = methods[name];
    if (name === "constructor" || typeof method !== "function") continue;
    methods[name] = function (this: unknown, ...args: unknown[]) {
      const result: unknown = method.apply(this, args);
      if (result instanceof Promise) result.catch(() => undefined);
      return result;
    };
  }
}

/**
 * Matchmaking needs the shared listings: while Redis is down, answer every
 * matchmaking call with a clear 503 instead of letting it hang on a queued
 * command; a call that Redis stops answering midway fails the same way once its
 * command times out, or at `deadlineMs` at the latest (a command that fails inside
 * some of core's own promise chains leaves the call pending forever otherwise).
 * Colyseus routes /matchmake before any express middleware, so the gate wraps
 * the matchmaking calls themselves.
 */
export function refuseMatchmakingWhileRedisDown(scaling: Scaling, deadlineMs: number): void {
  const unavailable = () => new ServerError(ERROR_CODES.MATCHMAKING_UNAVAILABLE, "matchmaking is unavailable: the server lost its connection to Redis; retry shortly");
  wrapMatchmakingCalls((invoke) => async (...args) => {
    if (scaling.redisHealth() === "down") throw unavailable();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(scaling.redisHealth() === "down" ? unavailable() : new ServerError(ERROR_CODES.MATCHMAKING_TIMED_OUT, "matchmaking timed out; retry shortly")), deadlineMs);
    });
    try {
      return await Promise.race([invoke(...args), deadline]);
    } catch (error) {
      if (isRedisTimeout(error) || scaling.redisHealth() === "down") throw unavailable();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  });
}

/** ioredis' command timeout, as Colyseus' controller re-throws it (a ServerError with the same message). */
function isRedisTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === "Command timed out";
}
