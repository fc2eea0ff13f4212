import { matchMaker, ServerError, type MatchMakerDriver, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";
import { redactUrl } from "../redact.ts";

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
}

// Reconnect within a second of Redis coming back, however long it was away.
const REDIS_OPTIONS: RedisOptions = { retryStrategy: (attempt) => Math.min(attempt * 100, 1_000) };

/**
 * The one place that decides how processes share matchmaking: Redis presence
 * and driver when `redisUrl` is set, the embedded default otherwise. Rooms
 * never see the difference.
 */
export function createScaling(redisUrl: string | undefined, logger: Logger): Scaling {
  if (redisUrl === undefined) {
    return {
      presence: undefined,
      driver: undefined,
      redisHealth: () => "embedded",
      ready: async () => undefined,
      onRecovered: () => undefined,
    };
  }

  const presenceClient = new Redis(redisUrl, REDIS_OPTIONS);
  const driverClient = new Redis(redisUrl, REDIS_OPTIONS);
  const clients = [presenceClient, driverClient];
  const isUp = () => clients.every((c) => c.status === "ready");
  const recoveryListeners: (() => void)[] = [];
  let wasDown = false;
  for (const client of clients) {
    client.on("error", () => undefined); // ioredis reports every failed reconnect; the state changes below say it once
    client.on("close", () => {
      if (!wasDown) logger.error({ event: "redis_down" }, "lost the connection to Redis");
      wasDown = true;
    });
    client.on("ready", () => {
      if (!wasDown || !isUp()) return;
      wasDown = false;
      logger.info({ event: "redis_recovered" }, "Redis is back");
      for (const listener of recoveryListeners) listener();
    });
  }

  return {
    presence: new RedisPresence(presenceClient),
    driver: new RedisDriver(driverClient),
    redisHealth: () => (isUp() ? "ok" : "down"),
    async ready(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!isUp()) {
        if (Date.now() > deadline) {
          throw new Error(`REDIS_URL=${JSON.stringify(redactUrl(redisUrl))}: cannot connect to Redis within ${timeoutMs / 1000} s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      wasDown = false;
    },
    onRecovered: (listener) => recoveryListeners.push(listener),
  };
}

/**
 * Matchmaking needs the shared listings: while Redis is down, answer every
 * matchmaking call with a clear 503 instead of letting it hang on a queued
 * command. Colyseus routes /matchmake before any express middleware, so the
 * gate wraps its controller, the one entry point of those requests.
 */
export function refuseMatchmakingWhileRedisDown(scaling: Scaling): void {
  const controller = matchMaker.controller;
  const invoke = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async (...args: Parameters<typeof invoke>) => {
    if (scaling.redisHealth() === "down") {
      throw new ServerError(503, "matchmaking is unavailable: the server lost its connection to Redis; retry shortly");
    }
    return invoke(...args);
  };
}
