import { matchMaker, parseLatencyEnv, Server, type Client } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import express from "express";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import { arenaRoomType } from "../rooms/ArenaRoom.ts";
import { upgradedSocketOf } from "../rooms/colyseusInternals.ts";
import { LiveRooms } from "../rooms/liveRooms.ts";
import { lobbyRoomType } from "../rooms/lobbyRoom.ts";
import type { ArenaSettings, ArenaTelemetry } from "../rooms/settings.ts";
import { TokenGuard } from "./http/adminAuth.ts";
import { AddressSet, ClientAddresses } from "./clientAddress.ts";
import { installMatchmakingAdmission } from "./http/matchmakingAdmission.ts";
import { observeMatchmaking } from "./http/matchmakingOutcome.ts";
import { installRequestGate, type RequestGate } from "./http/requestGate.ts";
import { batchSoon } from "./cluster/batchSoon.ts";
import { ClientCap } from "./cluster/ClientCap.ts";
import { drain } from "./cluster/drain.ts";
import { PlacedRoomCount } from "./cluster/PlacedRoomCount.ts";
import { ProcessLoad } from "./cluster/ProcessLoad.ts";
import { ProcessRecordPublisher } from "./cluster/ProcessRecordPublisher.ts";
import { processSelector } from "./cluster/processSelector.ts";
import { createScaling, refuseMatchmakingWhileRedisDown } from "./cluster/scaling.ts";
import { StaleProcessSweeper } from "./cluster/StaleProcessSweeper.ts";
import { colyseusLogger } from "./colyseusLogger.ts";
import type { Config } from "./config.ts";
import { listenOrThrow } from "./listen.ts";
import { adminRoutes } from "./monitoring/adminRoutes.ts";
import { buildInfo } from "./monitoring/buildInfo.ts";
import { GameMetrics } from "./monitoring/metrics.ts";
import { ProcessMonitor } from "./monitoring/processMonitor.ts";
import type { Health } from "./monitoring/processSnapshot.ts";
import { mountWebClient } from "./webClient.ts";

/** Room types that hold players and count against the process's caps (the lobby only lists rooms). */
const GAME_ROOM_TYPES = ["arena"];
const ROOM_TYPES = [...GAME_ROOM_TYPES, "lobby"];

/** Bigger client frames close the socket with 1009 (message too big). */
const MAX_CLIENT_FRAME_BYTES = 1_024;

export interface AppDeps {
  logger: Logger;
  /** One more listener of the rooms' reports (Agones' lifecycle, benchmarks), after the app's own. */
  telemetry?: ArenaTelemetry;
}

/** GET /readyz: whether this process should be sent new matchmaking traffic, and why not. */
export type Readiness =
  | { status: "ready" }
  | { status: "starting" | "draining" | "redis_down"; reason: string };

export interface App {
  server: Server;
  /** Undefined with METRICS=off. */
  metrics: GameMetrics | undefined;
  /** Waits for Redis (when used), listens, and starts publishing this process's load. */
  listen(): Promise<void>;
  /** Stops taking rooms, lets rooms finish (up to DRAIN_TIMEOUT_S), then shuts the server down. */
  drain(abort?: Promise<void>): Promise<void>;
  health(): Health;
  readiness(): Readiness;
  /** Turns metrics and monitoring samples on or off at run time (benchmarks compare both). */
  setMonitoring(isOn: boolean): void;
  /** Microseconds spent in the once-a-second monitoring samples so far. */
  monitoringBusyMicros(): number;
  /** host:port of the loopback admin listener (panel, admin API, metrics), once listening. */
  adminAddress(): string | undefined;
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
  const scaling = createScaling(config.redis, logger, { commandTimeoutMs: config.redisCommandTimeoutMs });
  const isPresenceUp = () => scaling.redisHealth() !== "down";
  const address = publicAddressOf(config);
  // Rooms report into this record; load, the cluster's records, monitoring and metrics read it.
  const liveRooms = new LiveRooms(ROOM_TYPES);
  const gameRoomTypes = new Set(GAME_ROOM_TYPES);
  const load = new ProcessLoad({
    liveRooms, gameRoomTypes, ccu: () => matchMaker.stats.local.ccu,
    maxRoomsPerProcess: config.maxRoomsPerProcess, maxClientsPerProcess: config.maxClientsPerProcess,
  });
  const cluster = { presence: () => matchMaker.presence, processId: () => matchMaker.processId, isPresenceUp, logger };
  const publisher = new ProcessRecordPublisher({ ...cluster, address, staleProcessS: config.staleProcessS, load });
  const placedCount = new PlacedRoomCount({ ...cluster, load });
  const sweeper = new StaleProcessSweeper({ ...cluster, staleProcessS: config.staleProcessS });
  const clientCap = new ClientCap({ load, setGameRoomsLocked, isDraining: () => publisher.isDraining, logger });
  const selectProcessIdToCreateRoom = processSelector({ ...cluster, gameRoomTypes, isDraining: () => publisher.isDraining, isFull: () => load.isFull });
  // A room came or went, or players joined or left: the client cap, then the published record, follow.
  const onLoadChanged = batchSoon(() => void clientCap.enforce().then(() => publisher.publishNow()));
  liveRooms.subscribe(placedCount);
  liveRooms.subscribe({ onRoomCreated: onLoadChanged, onRoomDisposed: onLoadChanged, onPlayersChanged: onLoadChanged });

  const metrics = config.isMetricsEnabled
    ? new GameMetrics({
      tickHz: config.tickHz, isRedisUsed: config.redis !== undefined, gameRoomTypes: GAME_ROOM_TYPES, build: buildInfo(),
      maxClientsPerProcess: config.maxClientsPerProcess, maxRoomsPerProcess: config.maxRoomsPerProcess,
    })
    : undefined;
  if (metrics !== undefined) liveRooms.subscribe(metrics);
  if (deps.telemetry !== undefined) liveRooms.subscribe(deps.telemetry);
  const guardOptions = { presence: () => matchMaker.presence, isPresenceUp, sessionTtlS: config.adminSessionTtlS, logger };
  const adminGuard = new TokenGuard({ ...guardOptions, surface: "admin", tokens: definedOf(config.adminToken) });
  // Metrics take their own token, or the admin one; they have no panel sessions.
  const metricsGuard = new TokenGuard({ ...guardOptions, surface: "metrics", sessionTtlS: 0, tokens: definedOf(config.metricsToken, config.adminToken) });
  const addresses = new ClientAddresses(config.trustedProxies);
  let gate: RequestGate | undefined;
  let isListening = false;
  // Only new matchmaking follows readiness: a process's own rooms stay reachable (per-process routes
  // ignore it), so its players, and reconnections during a drain, still get through.
  const readiness = (): Readiness => {
    if (!isListening) return { status: "starting", reason: "the server is still starting" };
    if (publisher.isDrainingPublished) return { status: "draining", reason: "this process is draining: its rooms finish, new ones go elsewhere" };
    if (scaling.redisHealth() === "down") return { status: "redis_down", reason: "Redis does not answer: matchmaking is refused until it does" };
    return { status: "ready" };
  };
  const health = (): Health => ({
    status: publisher.isDrainingPublished ? "draining" : "ok",
    processId: matchMaker.processId,
    pid: process.pid,
    rooms: matchMaker.stats.local.roomCount,
    clients: load.ccu(),
    uptimeS: Math.round((performance.now() - startedAt) / 1000),
    draining: publisher.isDrainingPublished,
    redis: scaling.redisHealth(),
    load: Math.round(load.score() * 100) / 100,
  });

  const monitor = new ProcessMonitor({ presence: () => matchMaker.presence, address, health, liveRooms, metrics, logger });

  const serveMetrics = async (_req: express.Request, res: express.Response) => {
    if (metrics === undefined) {
      res.status(404).json({ error: "metrics are off (METRICS=off)" });
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
  const operatorRoutes = () => adminRoutes({ guard: adminGuard, view: monitor.view, presence: () => matchMaker.presence, logger });

  // The operator surface always has a listener of its own on loopback. Without ADMIN_TOKEN that is
  // the only place it exists: a proxy on the same host forwards only the public port.
  const adminApp = express();
  adminApp.get("/metrics", metricsGuard.middleware, serveMetrics);
  adminApp.use(operatorRoutes());
  adminApp.use(jsonErrors(logger));
  const adminServer = createServer(adminApp);

  // Inside the Redis-down gate installed below: nothing is counted while matchmaking refuses anyway.
  const admission = installMatchmakingAdmission({
    presence: () => matchMaker.presence,
    isPresenceUp,
    maxJoinsPerAddressPerMin: config.maxJoinsPerAddressPerMin,
    maxRoomsPerAddressPerMin: config.maxRoomsPerAddressPerMin,
    exempt: new AddressSet(config.rateLimitExempt),
    logger,
  });
  const httpServer = createServer();
  const server = new Server({
    // The largest legitimate client frame is a direct message (200 characters): under 1 KiB.
    transport: new WebSocketTransport({ server: httpServer, maxPayload: MAX_CLIENT_FRAME_BYTES }),
    presence: scaling.presence,
    driver: scaling.driver,
    // Only meaningful with several processes: the seat reservation then names this process.
    publicAddress: config.redis !== undefined || config.publicAddress !== undefined ? address : undefined,
    selectProcessIdToCreateRoom: admission.guardRoomCreation(selectProcessIdToCreateRoom),
    greet: false,
    // index.ts owns signals and uncaught errors: core's handlers would exit on any throw.
    gracefullyShutdown: false,
    // Colyseus logs console-style (a message, then the error): the adapter keeps those arguments.
    logger: colyseusLogger(logger),
    express: (app) => {
      app.get("/healthz", (_req, res) => {
        res.json(health());
      });
      // Answering at all is the liveness signal: the event loop turned.
      app.get("/livez", (_req, res) => {
        res.json({ status: "ok" });
      });
      app.get("/readyz", (_req, res) => {
        const state = readiness();
        res.status(state.status === "ready" ? 200 : 503).json(state);
      });
      // On the public port only behind a token: without one they live on the admin listener alone.
      if (metricsGuard.isTokenRequired) app.get("/metrics", metricsGuard.middleware, serveMetrics);
      if (adminGuard.isTokenRequired) app.use(operatorRoutes());
      app.use(["/metrics", "/admin", "/panel"], (_req, res) => {
        res.status(404).json({ error: "not served on this port: without ADMIN_TOKEN (METRICS_TOKEN for /metrics) it is on the loopback admin listener (ADMIN_PORT)" });
      });
      mountWebClient(app, logger, { isSourceMapServed: config.isClientSourceMapsEnabled });
      app.use(jsonErrors(logger));
    },
  });
  // Bounds a matchmaking call Redis stopped answering midway; generous next to a normal one (tens of ms).
  refuseMatchmakingWhileRedisDown(scaling, Math.max(10_000, 5 * config.redisCommandTimeoutMs));
  // Outermost, so it counts the refusals of the gates above as well as Colyseus' own answers.
  if (metrics !== undefined) observeMatchmaking((method, outcome, seconds) => metrics.onMatchmaking(method, outcome, seconds));
  scaling.onRecovered(() => {
    // Redis may have restarted empty: put this process's listings and record back.
    void matchMaker.restoreMissingRoomCaches().catch((err) => logger.warn({ event: "restore_listings_failed", err }, "could not restore listings"));
    void publisher.publishNow();
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
    allowedModes: config.allowedModes,
    seatReservationS: config.seatReservationS,
    clientAddressOf: (client: Client) => gate?.addressOfSocket(upgradedSocketOf(client)),
    isLatencySimulated: (parseLatencyEnv() ?? 0) > 0,
    canAdmitPlayer: () => !load.isAtClientCap,
    logger,
    liveRooms,
  };
  server.define("arena", arenaRoomType(settings), { settings }).filterBy(["mode"]).enableRealtimeListing();
  server.define("lobby", lobbyRoomType(liveRooms));

  return {
    server,
    metrics,
    health,
    readiness,
    setMonitoring(isOn) {
      if (metrics !== undefined) metrics.isEnabled = isOn;
      monitor.isSampling = isOn;
    },
    monitoringBusyMicros: () => monitor.busyMicros,
    adminAddress() {
      const address = adminServer.address() as AddressInfo | null;
      return address === null ? undefined : `127.0.0.1:${address.port}`;
    },
    async listen() {
      await scaling.ready(config.redisStartupTimeoutS * 1000);
      // Colyseus binds its routes just before this callback: the gate goes in front of all of them.
      await listenOrThrow(httpServer, () => server.listen(config.port, config.host, undefined, () => {
        gate = installRequestGate(httpServer, addresses);
      }));
      installRequestGate(adminServer, addresses);
      await listenOrThrow(adminServer, () => new Promise<void>((resolve) => adminServer.listen(config.adminPort, "127.0.0.1", resolve)));
      // Every player and every concurrent joinOrCreate subscribes to a channel: many listeners are normal here.
      matchMaker.presence.setMaxListeners(0);
      publisher.start();
      placedCount.start();
      sweeper.start();
      await publisher.publishNow();
      await monitor.start();
      isListening = true;
    },
    async drain(abort = new Promise<void>(() => undefined)) {
      await drain({
        server, drainTimeoutS: config.drainTimeoutS, logger, abort,
        setDraining: () => publisher.setDraining(),
        lockGameRooms: () => setGameRoomsLocked(true),
        gameRooms: () => load.gameRooms(),
        leaveCluster: async () => {
          // Each stop takes effect at once, before any of them awaits: no room closing meanwhile writes back.
          sweeper.stop();
          await Promise.all([publisher.stop(), placedCount.stop()]);
        },
        beforeShutdown: async () => {
          adminServer.close();
          adminServer.closeAllConnections();
          await monitor.stop();
          scaling.stop();
        },
      });
    },
  };
}

function definedOf(...values: (string | undefined)[]): string[] {
  return values.filter((v): v is string => v !== undefined);
}

/** Last handler: errors from any route answer as JSON, never with a stack trace. */
function jsonErrors(logger: Logger) {
  return (error: { status?: number; expose?: boolean; message?: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = typeof error.status === "number" && error.status >= 400 && error.status < 600 ? error.status : 500;
    if (status >= 500) logger.error({ event: "http_error", err: error }, "HTTP handler failed");
    res.status(status).json({ error: error.expose === true && error.message !== undefined ? error.message : "internal error" });
  };
}
