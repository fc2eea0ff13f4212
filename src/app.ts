import { LobbyRoom, matchMaker, Server } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { Logger } from "pino";
import { ArenaRoom } from "../rooms/ArenaRoom.ts";
import { NO_TELEMETRY, type ArenaSettings, type ArenaTelemetry } from "../rooms/settings.ts";
import type { Config } from "./config.ts";
import { mountWebClient } from "./webClient.ts";

export interface AppDeps {
  logger: Logger;
  telemetry?: ArenaTelemetry;
}

/**
 * The composition root: builds a Colyseus server with the arena and lobby
 * room types and the HTTP routes, from a config object. Does not listen and
 * installs no process handlers; `src/index.ts` does both. Colyseus keeps its
 * matchmaker in module state, so build one server per process.
 */
export function buildServer(config: Readonly<Config>, deps: AppDeps): Server {
  const startedAt = performance.now();
  const server = new Server({
    transport: new WebSocketTransport(),
    greet: false,
    // index.ts owns signals and uncaught errors: core's handlers would exit on any throw.
    gracefullyShutdown: false,
    logger: deps.logger,
    express: (app) => {
      app.get("/healthz", (_req, res) => {
        res.json({
          status: "ok",
          processId: matchMaker.processId,
          rooms: matchMaker.stats.local.roomCount,
          clients: matchMaker.stats.local.ccu,
          uptimeS: Math.round((performance.now() - startedAt) / 1000),
        });
      });
      mountWebClient(app);
    },
  });

  const settings: ArenaSettings = {
    tickHz: config.tickHz,
    patchHz: config.patchHz,
    maxClients: config.arenaMaxClients,
    viewRadiusUnits: config.viewRadiusUnits,
    reconnectGraceS: config.reconnectGraceS,
    maxRewindMs: config.maxRewindMs,
    logger: deps.logger,
    telemetry: deps.telemetry ?? NO_TELEMETRY,
  };
  server.define("arena", ArenaRoom, { settings }).filterBy(["mode"]).enableRealtimeListing();
  server.define("lobby", LobbyRoom);
  return server;
}
