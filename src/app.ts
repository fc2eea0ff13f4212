import { LobbyRoom, matchMaker, parseLatencyEnv, Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type express from "express";
import type { Logger } from "pino";
import { ArenaRoom } from "../rooms/ArenaRoom.ts";
import { fanOutTelemetry, type ArenaSettings, type ArenaTelemetry } from "../rooms/settings.ts";
import { TokenGuard } from "./adminAuth.ts";
import { drain } from "./cluster/drain.ts";
import { ProcessLoad } from "./cluster/processLoad.ts";
import { ProcessRegistry } from "./cluster/processRegistry.ts";
import { createScaling, refuseMatchmakingWhileRedisDown, type RedisHealth } from "./cluster/scaling.ts";
import type { Config } from "./config.ts";
import { adminRoutes } from "./monitoring/adminRoutes.ts";
import { GameMetrics } from "./monitoring/metrics.ts";
import { ProcessMonitor } from "./monitoring/processMonitor.ts";
import { mountWebClient } from "./webClient.ts";

/** Bigger client frames close the socket with 1009 (message too big). */
export const MAX_CLIENT_FRAME_BYTES = 1_024;

export interface AppDeps {
  logger: Logger;
  /** Extra telemetry sink (benchmarks); the app always feeds its own load tracker. */
  telemetry?: ArenaTelemetry;
}

export interface Health {
  status: "ok" | "draining";
  processId: string;
  /** The OS process id, for operators and supervisors. */
  pid: number;
  rooms: number;
  clients: number;
  uptimeS: number;
  draining: boolean;
  redis: RedisHealth;
  /** This process's placement score (room equivalents; see src/cluster/placement.ts). */
  load: number;
}

export interface App {
  server: Server;
  /** Undefined with METRICS=off. */
  metrics: GameMetrics | undefined;
  /** Waits for Redis (when used), listens, and starts publishing this process's load. */
  listen(): Promise<void>;
  /** Stops taking rooms, lets rooms finish (up to DRAIN_TIMEOUT_S), then shuts the server down. */
  drain(abort?: Promise<void>): Promise<void>;
  health(): Health;
  /** Turns metrics and monitoring samples on or off at run time (benchmarks compare both). */
  setMonitoring(isOn: boolean): void;
  /** Microseconds spent in the once-a-second monitoring samples so far. */
  monitoringBusyMicros(): number;
}

/** Where clients reach this process: PUBLIC_ADDRESS, else HOST:PORT (loopback for a wildcard HOST). */
export function publicAddressOf(config: Readonly<Config>): string {
  if (config.publicAddress !== undefined) return config.publicAddress;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  return `${host}:${config.port}`;
}

/** Locks or unlocks every local game room (the arena rooms' listings carry their process id). */
async function setGameRoomsLocked(isLocked: boolean): Promise<void> {
  const listings = await matchMaker.driver.query({ processId: matchMaker.processId, name: "arena" });
  for (const listing of listings) {
    const room = matchMaker.getLocalRoomById(listing.roomId);
    if (room === undefined) continue;
    if (isLocked) await room.lock();
    // Only reopen rooms with a free seat: a full room stays locked by Colyseus.
    else if (!room.hasReachedMaxClients()) await room.unlock();
  }
}

/**
 * The composition root: builds a Colyseus server with the arena and lobby
 * room types, the scaling choice (Redis or embedded), placement, and the HTTP
 * routes, from a config object. Installs no process handlers; src/index.ts
 * owns signals. Colyseus keeps its matchmaker in module state, so build one
 * app per process.
 */
export function buildApp(config: Readonly<Config>, deps: AppDeps): App {
  const startedAt = performance.now();
  const { logger } = deps;
  const scaling = createScaling(config.redisUrl, logger);
  const address = publicAddressOf(config);
  const load = new ProcessLoad((created) => registry.noteRoomLifecycle(created), () => registry.noteLoadChanged());
  const registry: ProcessRegistry = new ProcessRegistry({
    presence: () => matchMaker.presence,
    processId: () => matchMaker.processId,
    address,
    staleProcessS: config.staleProcessS,
    load,
    logger,
    gameRoomTypes: new Set(["arena"]),
    maxRoomsPerProcess: config.maxRoomsPerProcess,
    maxClientsPerProcess: config.maxClientsPerProcess,
    setGameRoomsLocked,
    isPresenceUp: () => scaling.redisHealth() !== "down",
  });

  const metrics = config.isMetricsEnabled ? new GameMetrics(config.tickHz) : undefined;
  const adminGuard = new TokenGuard(config.adminToken);
  const metricsGuard = new TokenGuard(config.metricsToken);
  const health = (): Health => {
    const own = registry.ownRecord();
    return {
      status: registry.draining ? "draining" : "ok",
      processId: matchMaker.processId,
      pid: process.pid,
      rooms: own.rooms,
      clients: own.ccu,
      uptimeS: Math.round((performance.now() - startedAt) / 1000),
      draining: registry.draining,
      redis: scaling.redisHealth(),
      load: Math.round(registry.ownLoad() * 100) / 100,
    };
  };

  const monitor = new ProcessMonitor({ presence: () => matchMaker.presence, address, health, metrics, logger });

  const server = new Server({
    // The largest legitimate client frame is a direct message (200 characters): under 1 KiB.
    transport: new WebSocketTransport({ maxPayload: MAX_CLIENT_FRAME_BYTES }),
    presence: scaling.presence,
    driver: scaling.driver,
    // Only meaningful with several processes: the seat reservation then names this process.
    publicAddress: config.redisUrl !== undefined || config.publicAddress !== undefined ? address : undefined,
    selectProcessIdToCreateRoom: registry.selectProcessIdToCreateRoom,
    greet: false,
    // index.ts owns signals and uncaught errors: core's handlers would exit on any throw.
    gracefullyShutdown: false,
    logger,
    express: (app) => {
      app.get("/healthz", (_req, res) => {
        res.json(health());
      });
      app.get("/metrics", metricsGuard.middleware, async (_req, res) => {
        if (metrics === undefined) {
          res.status(404).json({ error: "metrics are off (METRICS=off)" });
          return;
        }
        res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
      });
      app.use(adminRoutes({ guard: adminGuard, view: monitor.view, presence: () => matchMaker.presence, logger }));
      mountWebClient(app, logger);
      // Last: errors from any route (a malformed JSON body, say) answer as JSON, never with a stack trace.
      app.use((error: { status?: number; expose?: boolean; message?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        const status = typeof error.status === "number" && error.status >= 400 && error.status < 600 ? error.status : 500;
        if (status >= 500) logger.error({ event: "http_error", err: error }, "HTTP handler failed");
        res.status(status).json({ error: error.expose === true && error.message !== undefined ? error.message : "internal error" });
      });
    },
  });
  refuseMatchmakingWhileRedisDown(scaling);
  scaling.onRecovered(() => {
    // Redis may have restarted empty: put this process's listings and record back.
    void matchMaker.restoreMissingRoomCaches().catch((err) => logger.warn({ event: "restore_listings_failed", err }, "could not restore listings"));
    void registry.publishNow();
  });

  const settings: ArenaSettings = {
    tickHz: config.tickHz,
    patchHz: config.patchHz,
    maxClients: config.arenaMaxClients,
    viewRadiusUnits: config.viewRadiusUnits,
    reconnectGraceS: config.reconnectGraceS,
    maxRewindMs: config.maxRewindMs,
    maxClientBufferBytes: config.maxClientBufferBytes,
    maxMessagesPerSecond: config.maxMessagesPerSecond,
    joinSecret: config.joinSecret,
    isLatencySimulated: (parseLatencyEnv() ?? 0) > 0,
    canAdmitPlayer: () => matchMaker.stats.local.ccu < config.maxClientsPerProcess,
    logger,
    telemetry: fanOutTelemetry(...[load, monitor, metrics, deps.telemetry].filter((t): t is ArenaTelemetry => t !== undefined)),
  };
  server.define("arena", ArenaRoom, { settings }).filterBy(["mode"]).enableRealtimeListing();
  server.define("lobby", LobbyRoom);

  return {
    server,
    metrics,
    health,
    setMonitoring(isOn) {
      if (metrics !== undefined) metrics.isEnabled = isOn;
      monitor.isSampling = isOn;
    },
    monitoringBusyMicros: () => monitor.busyMicros,
    async listen() {
      await scaling.ready(10_000);
      await server.listen(config.port, config.host);
      // Every player and every concurrent joinOrCreate subscribes to a channel: many listeners are normal here.
      matchMaker.presence.setMaxListeners(0);
      registry.start();
      await registry.publishNow();
      await monitor.start();
    },
    async drain(abort = new Promise<void>(() => undefined)) {
      await drain({ server, registry, drainTimeoutS: config.drainTimeoutS, logger, abort, beforeShutdown: () => monitor.stop() });
    },
  };
}
