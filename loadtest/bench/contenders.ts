/**
 * The contenders: how to start each one's server and how its clients speak.
 * Every one runs the same scenario (see steering.ts); this server runs it
 * twice, all players in one room and in rooms of ROOMS_OF_PLAYERS.
 */
import { fileURLToPath } from "node:url";
import type { ClientProtocol } from "./protocol.ts";

export const CONTENDER_IDS = ["this-server", "this-server-rooms", "naive-json-ws", "socket-io", "stock-colyseus", "send-limit"] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];

/** The bench's player ceiling (`--max-players` at most): this server's one room is made this big, so no run is cut by a room cap. */
export const BENCH_MAX_PLAYERS = 10_000;
/** Players per room in the rooms scenario: matchmaking opens a new room as each fills. */
export const ROOMS_OF_PLAYERS = 20;

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
  /** Players it can hold in one process at most, whatever the machine. */
  maxPlayers: number;
  /**
   * Players per room (Infinity: no rooms). A run whose players landed in
   * more rooms than they fill fails: matchmaking split them.
   */
  playersPerRoom: number;
  script: string;
  env(ctx: ServerContext): NodeJS.ProcessEnv;
}

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** A baseline's environment: the harness's plus its settings. */
const baselineEnv = (ctx: ServerContext): NodeJS.ProcessEnv => ({
  ...process.env, PORT: String(ctx.port), TICK_HZ: String(ctx.tickHz), PATCH_HZ: String(ctx.patchHz), SEND_BYTES: String(ctx.sendBytes),
});

/** This server as shipped, one embedded process, its rooms `playersPerRoom` big; VIEW_RADIUS and the rest as configured in the caller's environment. */
function thisServer(id: ContenderId, label: string, playersPerRoom: number): Contender {
  return {
    id,
    label,
    protocol: "colyseus",
    hasAcks: true,
    roomName: "arena",
    mode: "bench",
    maxPlayers: BENCH_MAX_PLAYERS,
    playersPerRoom,
    script: path("../../src/index.ts"),
    env: (ctx) => ({
      ...process.env,
      PORT: String(ctx.port), HOST: "127.0.0.1", TICK_HZ: String(ctx.tickHz), PATCH_HZ: String(ctx.patchHz),
      ARENA_MAX_CLIENTS: String(playersPerRoom), LOG_LEVEL: "warn", DRAIN_TIMEOUT_S: "0", RECONNECT_GRACE_S: "0",
      REDIS_URL: "", PUBLIC_ADDRESS: "", JOIN_SECRET: "", ADMIN_PORT: "0",
      // Nor may the process's caps (5,000 clients, 500 rooms by default) cut a run short.
      MAX_CLIENTS_PER_PROCESS: String(BENCH_MAX_PLAYERS), MAX_ROOMS_PER_PROCESS: String(BENCH_MAX_PLAYERS),
      // The bots are a load generator on this host: exempt from the per-address matchmaking limits.
      RATE_LIMIT_EXEMPT: "127.0.0.1,::1",
    }),
  };
}

/** This server with every player in one room (the bench's baseline for ratios). */
export const THIS_SERVER_ONE_ROOM = thisServer("this-server", "this server", BENCH_MAX_PLAYERS);
/** This server with rooms of ROOMS_OF_PLAYERS placed by matchmaking. */
export const THIS_SERVER_ROOMS = thisServer("this-server-rooms", `this server, rooms of ${ROOMS_OF_PLAYERS}`, ROOMS_OF_PLAYERS);

export const CONTENDERS: readonly Contender[] = [
  THIS_SERVER_ONE_ROOM,
  THIS_SERVER_ROOMS,
  {
    id: "naive-json-ws",
    label: "naive JSON (ws)",
    protocol: "json-ws",
    hasAcks: false,
    roomName: "",
    mode: undefined,
    maxPlayers: Number.POSITIVE_INFINITY,
    playersPerRoom: Number.POSITIVE_INFINITY,
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
    playersPerRoom: Number.POSITIVE_INFINITY,
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
    playersPerRoom: 4_096,
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
    playersPerRoom: Number.POSITIVE_INFINITY,
    script: path("../baselines/sendLimitServer.ts"),
    env: baselineEnv,
  },
];
