/**
 * The five contenders: how to start each one's server and how its clients
 * speak. Every one runs the same scenario (see steering.ts).
 */
import { fileURLToPath } from "node:url";
import type { ClientProtocol } from "./protocol.ts";

export const CONTENDER_IDS = ["this-server", "naive-json-ws", "socket-io", "stock-colyseus", "send-limit"] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];

/** This server's ARENA_MAX_CLIENTS ceiling: all players must share one room, so no run goes past it. */
export const THIS_SERVER_MAX_PLAYERS = 512;

export interface ServerContext {
  port: number;
  tickHz: number;
  patchHz: number;
  /** Send limit only: the bytes of each update. */
  sendBytes: number;
}

export interface Contender {
  id: ContenderId;
  label: string;
  protocol: ClientProtocol;
  /** Whether its updates acknowledge inputs (RTT is measured), or RTT is n/a. */
  hasAcks: boolean;
  roomName: string;
  mode: string | undefined;
  /** Players it can hold in one room at most, whatever the machine. */
  maxPlayers: number;
  script: string;
  env(ctx: ServerContext): NodeJS.ProcessEnv;
}

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** A baseline's environment: the harness's plus its settings. */
const baselineEnv = (ctx: ServerContext): NodeJS.ProcessEnv => ({
  ...process.env, PORT: String(ctx.port), TICK_HZ: String(ctx.tickHz), PATCH_HZ: String(ctx.patchHz), SEND_BYTES: String(ctx.sendBytes),
});

export const CONTENDERS: readonly Contender[] = [
  {
    id: "this-server",
    label: "this server",
    protocol: "colyseus",
    hasAcks: true,
    roomName: "arena",
    mode: "bench",
    maxPlayers: THIS_SERVER_MAX_PLAYERS,
    script: path("../../src/index.ts"),
    // As shipped, one embedded process; VIEW_RADIUS and the rest as configured in the caller's environment.
    env: (ctx) => ({
      ...process.env,
      PORT: String(ctx.port), HOST: "127.0.0.1", TICK_HZ: String(ctx.tickHz), PATCH_HZ: String(ctx.patchHz),
      ARENA_MAX_CLIENTS: String(THIS_SERVER_MAX_PLAYERS), LOG_LEVEL: "warn", DRAIN_TIMEOUT_S: "0", RECONNECT_GRACE_S: "0",
      REDIS_URL: "", PUBLIC_ADDRESS: "", JOIN_SECRET: "", ADMIN_PORT: "0",
      // The bots are a load generator on this host: exempt from the per-address matchmaking limits.
      RATE_LIMIT_EXEMPT: "127.0.0.1,::1",
    }),
  },
  {
    id: "naive-json-ws",
    label: "naive JSON (ws)",
    protocol: "json-ws",
    hasAcks: false,
    roomName: "",
    mode: undefined,
    maxPlayers: Number.POSITIVE_INFINITY,
    script: path("../baselines/jsonWsServer.ts"),
    env: baselineEnv,
  },
  {
    id: "socket-io",
    label: "Socket.IO JSON",
    protocol: "socket-io",
    hasAcks: false,
    roomName: "",
    mode: undefined,
    maxPlayers: Number.POSITIVE_INFINITY,
    script: path("../baselines/socketIoServer.ts"),
    env: baselineEnv,
  },
  {
    id: "stock-colyseus",
    label: "stock Colyseus",
    protocol: "colyseus",
    hasAcks: true,
    roomName: "stock_arena",
    mode: undefined,
    maxPlayers: 4_096,
    script: path("../baselines/stockColyseusServer.ts"),
    env: baselineEnv,
  },
  {
    id: "send-limit",
    label: "send limit",
    protocol: "raw-ws",
    hasAcks: false,
    roomName: "",
    mode: undefined,
    maxPlayers: Number.POSITIVE_INFINITY,
    script: path("../baselines/sendLimitServer.ts"),
    env: baselineEnv,
  },
];
