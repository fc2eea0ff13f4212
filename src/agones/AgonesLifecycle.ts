/**
 * This process as an Agones GameServer (AGONES_SDK=1), through the SDK sidecar on
 * localhost:AGONES_SDK_GRPC_PORT: Health every 2 s from the moment it answers; Ready once
 * listening; Allocated while it holds rooms or clients, Ready again once empty (Agones never
 * deletes an Allocated GameServer on Fleet scale-down or update, and its docs allow Allocated ->
 * Ready for reuse); the "rooms" and "players" Counters, which a FleetAutoscaler scales on;
 * Shutdown after the drain. A sidecar that is missing or goes away is logged and retried, never
 * fatal: the process serves players either way.
 */
import type { Logger } from "pino";
import type { ArenaTelemetry } from "../../rooms/settings.ts";
import type { Config } from "../config.ts";
import { LogThrottle } from "../logThrottle.ts";

/** Well under the Fleet's health.periodSeconds (deploy/agones/fleet.yaml). */
export const HEALTH_PERIOD_MS = 2_000;
/** How long startup waits for the GameServer's address before building the app without it. */
const ADDRESS_WAIT_MS = 5_000;
/** A sidecar not answering after this long is reported (connecting goes on in the background). */
const UNREACHABLE_REPORT_MS = 5_000;
/** Bounds the Shutdown call, so an unanswering sidecar cannot hold the exit. */
const SHUTDOWN_WAIT_MS = 5_000;
/** Room and player events within this window cause one update. */
const NUDGE_DELAY_MS = 50;
/** Counters declared in the Fleet's GameServer template (deploy/agones/fleet.yaml). */
export const ROOMS_COUNTER = "rooms";
export const PLAYERS_COUNTER = "players";
/** The GameServer port clients connect to, when it has several. */
export const GAME_PORT_NAME = "game";

/** gRPC status codes meaning the sidecar itself is gone, not that it refused the request. */
const TRANSPORT_FAILURES = new Set([1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

/** What the lifecycle reads from the app (`App.health()` has it). */
export interface Occupancy {
  rooms: number;
  clients: number;
  draining: boolean;
}

/** The part of the SDK's GameServer that gives this process its address. */
export interface SdkGameServer {
  status?: { address: string; portsList: { name: string; port: number }[] };
}

/** The part of @google-cloud/agones-sdk used here (its typings leave out `beta`, where Counters are). */
interface AgonesSdk {
  /** AGONES_SDK_GRPC_PORT, as the SDK read it (default 9357). */
  readonly port: string;
  connect(): Promise<void>;
  close(): void;
  ready(): Promise<unknown>;
  allocate(): Promise<unknown>;
  shutdown(): Promise<unknown>;
  health(onError: (error: unknown) => void): void;
  getGameServer(): Promise<SdkGameServer>;
  watchGameServer(onChange: (gameServer: SdkGameServer) => void, onError: (error: unknown) => void): void;
  beta: {
    setCounterCount(key: string, count: number): Promise<void>;
    setCounterCapacity(key: string, capacity: number): Promise<void>;
  };
}

type LifecycleState = "Ready" | "Allocated";

/** host:port clients reach this GameServer at (its node's address, the port Agones allocated), once known. */
export function addressOfGameServer(gameServer: SdkGameServer): string | undefined {
  const status = gameServer.status;
  if (status === undefined || status.address === "") return undefined;
  const port = status.portsList.find((p) => p.name === GAME_PORT_NAME) ?? status.portsList[0];
  if (port === undefined || port.port === 0) return undefined;
  return `${status.address.includes(":") ? `[${status.address}]` : status.address}:${port.port}`;
}

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

export class AgonesLifecycle {
  /** Room and player changes publish the counts and the state at once, not at the next health tick. */
  readonly telemetry: ArenaTelemetry;
  private appConfig: Readonly<Config>;
  private readonly logger: Logger;
  /** Repeated failures (a retry every 30 s, a refusal every 2 s) log a few lines a minute, not one each. */
  private readonly throttle = new LogThrottle(2);
  private readonly createSdk: () => AgonesSdk;
  private sdk: AgonesSdk;
  private isConnected = false;
  private isConnecting = false;
  private isStopped = false;
  private occupancy: (() => Occupancy) | undefined;
  /** What the sidecar last acknowledged; cleared when it is replaced, so a new one gets everything. */
  private published: { state?: LifecycleState; rooms?: number; players?: number; hasCapacity?: boolean } = {};
  private areCountersOff = false;
  private isSyncing = false;
  private isSyncDue = false;
  private readonly ticker: NodeJS.Timeout;
  private nudgeTimer: NodeJS.Timeout | undefined;

  private constructor(config: Readonly<Config>, logger: Logger, createSdk: () => AgonesSdk) {
    this.appConfig = config;
    this.logger = logger.child({ component: "agones" });
    this.createSdk = createSdk;
    this.sdk = createSdk();
    const nudge = () => this.nudge();
    // Only the lifecycle moves occupancy: no tick or patch listener, which would run every tick.
    this.telemetry = { onRoomCreated: nudge, onRoomDisposed: nudge, onPlayersChanged: nudge };
    this.ticker = setInterval(() => this.tick(), HEALTH_PERIOD_MS);
    this.connect();
  }

  /**
   * Loads the SDK (only here: without AGONES_SDK neither it nor gRPC is ever loaded), starts
   * connecting and, when PUBLIC_ADDRESS is unset, waits a few seconds for the GameServer's address.
   * Undefined, logged, when the SDK package cannot be loaded: the server then runs without Agones.
   */
  static async start(config: Readonly<Config>, logger: Logger): Promise<AgonesLifecycle | undefined> {
    let sdkModule: { default: new () => AgonesSdk };
    try {
      // A CommonJS module: its export is `default` here (its typings say otherwise).
      sdkModule = (await import("@google-cloud/agones-sdk")) as unknown as { default: new () => AgonesSdk };
    } catch (error) {
      logger.error({ event: "agones_sdk_missing", err: error }, "AGONES_SDK is set but @google-cloud/agones-sdk could not be loaded: running without Agones");
      return undefined;
    }
    const lifecycle = new AgonesLifecycle(config, logger, () => new sdkModule.default());
    if (config.publicAddress === undefined) {
      const publicAddress = await lifecycle.waitForAddress();
      if (publicAddress !== undefined) lifecycle.appConfig = Object.freeze({ ...config, publicAddress });
    }
    return lifecycle;
  }

  /** The config to build the app with: PUBLIC_ADDRESS when set, else the GameServer's address and port. */
  get config(): Readonly<Config> {
    return this.appConfig;
  }

  /** The app listens: from now on its occupancy drives Ready, Allocated and the counters. */
  onListening(app: { health(): Occupancy }): void {
    this.occupancy = () => app.health();
    void this.sync();
  }

  /** After the drain: stops health pings and tells Agones to end this GameServer. Never throws. */
  async shutdown(): Promise<void> {
    this.isStopped = true;
    clearInterval(this.ticker);
    clearTimeout(this.nudgeTimer);
    const sdk = this.sdk;
    if (!this.isConnected) {
      this.logger.warn({ event: "agones_shutdown_skipped", port: sdk.port }, "Agones sidecar unreachable: Shutdown not sent");
      sdk.close();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        sdk.shutdown(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${SHUTDOWN_WAIT_MS} ms`)), SHUTDOWN_WAIT_MS))),
      ]);
      this.logger.info({ event: "agones_shutdown" }, "Agones: Shutdown sent");
    } catch (error) {
      this.logger.error({ event: "agones_shutdown_failed", err: error }, "Agones: Shutdown failed");
    } finally {
      clearTimeout(timer);
      sdk.close();
    }
  }

  private connect(): void {
    if (this.isConnecting || this.isStopped) return;
    this.isConnecting = true;
    const sdk = this.sdk;
    const report = setTimeout(() => {
      this.logger.error({ event: "agones_unreachable", port: sdk.port },
        `Agones SDK sidecar not answering on localhost:${sdk.port}: still serving players, still trying (meanwhile no health pings, state or counts reach Agones)`);
    }, UNREACHABLE_REPORT_MS);
    const attempt = (): void => {
      // connect() waits up to 30 s for the channel, then rejects: try again until stopped.
      sdk.connect().then(() => {
        clearTimeout(report);
        this.isConnecting = false;
        if (this.isStopped || sdk !== this.sdk) return;
        this.isConnected = true;
        this.logger.info({ event: "agones_connected", port: sdk.port }, "Agones SDK sidecar connected");
        // The health stream breaks silently when the sidecar goes (the SDK swallows its errors), and
        // unary calls reconnect on their own: this watch stream is what reports the sidecar's loss.
        sdk.watchGameServer(() => undefined, (error) => {
          if (sdk === this.sdk) this.lose(error);
        });
        this.tick();
      }, (error: unknown) => {
        if (this.isStopped || sdk !== this.sdk) {
          clearTimeout(report);
          this.isConnecting = false;
          return;
        }
        if (this.throttle.admit("connect")) {
          this.logger.warn({ event: "agones_connect_retry", port: sdk.port, err: error }, "Agones SDK sidecar still unreachable, retrying");
        }
        attempt();
      });
    };
    attempt();
  }

  /**
   * The sidecar went away (a restart, say). The SDK never reopens a broken health stream, so the
   * client is replaced; everything is published again once a sidecar answers.
   */
  private lose(error: unknown): void {
    if (!this.isConnected || this.isStopped) return;
    this.isConnected = false;
    this.logger.error({ event: "agones_lost", port: this.sdk.port, err: error }, "Agones SDK sidecar connection lost: reconnecting");
    this.sdk.close();
    this.sdk = this.createSdk();
    this.published = {};
    this.connect();
  }

  private tick(): void {
    if (!this.isConnected || this.isStopped) return;
    const sdk = this.sdk;
    sdk.health((error) => {
      if (sdk === this.sdk) this.lose(error);
    });
    void this.sync();
  }

  private nudge(): void {
    if (this.nudgeTimer !== undefined || this.isStopped) return;
    this.nudgeTimer = setTimeout(() => {
      this.nudgeTimer = undefined;
      void this.sync();
    }, NUDGE_DELAY_MS);
  }

  private async waitForAddress(): Promise<string | undefined> {
    const deadline = Date.now() + ADDRESS_WAIT_MS;
    while (Date.now() < deadline && !this.isStopped) {
      if (this.isConnected) {
        const gameServer = await this.call("GetGameServer", () => this.sdk.getGameServer());
        const address = gameServer === undefined ? undefined : addressOfGameServer(gameServer);
        if (address !== undefined) {
          this.logger.info({ event: "agones_address", publicAddress: address }, `public address from the GameServer: ${address}`);
          return address;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    this.logger.error({ event: "agones_address_unknown", waitedMs: ADDRESS_WAIT_MS },
      "could not read this GameServer's address and port from the Agones sidecar: seat reservations keep the default address; set PUBLIC_ADDRESS");
    return undefined;
  }

  /** Runs one SDK request; a transport failure replaces the client, a refusal is logged. Undefined on failure. */
  private async call<T>(what: string, request: () => Promise<T>): Promise<T | undefined> {
    const sdk = this.sdk;
    try {
      return await request();
    } catch (error) {
      if (sdk !== this.sdk) return undefined;
      if (TRANSPORT_FAILURES.has(codeOf(error) ?? -1)) this.lose(error);
      else if (this.throttle.admit(what)) this.logger.error({ event: "agones_refused", request: what, err: error }, `Agones refused ${what}`);
      return undefined;
    }
  }

  /** Brings the sidecar up to date with the app, one pass at a time; a change during a pass causes another. */
  private async sync(): Promise<void> {
    if (this.isSyncing) {
      this.isSyncDue = true;
      return;
    }
    this.isSyncing = true;
    try {
      do {
        this.isSyncDue = false;
        await this.syncOnce();
      } while (this.isSyncDue);
    } finally {
      this.isSyncing = false;
    }
  }

  private async syncOnce(): Promise<void> {
    if (this.occupancy === undefined || !this.isConnected || this.isStopped) return;
    const now = this.occupancy();
    const published = this.published;
    // A draining process is on its way out: it neither goes back to Ready nor asks to be kept.
    if (!now.draining) {
      // Rooms count too: a room holds seats for players still connecting or reconnecting.
      const state: LifecycleState = now.rooms > 0 || now.clients > 0 ? "Allocated" : "Ready";
      if (state !== published.state) {
        const sdk = this.sdk;
        if (await this.call(state, () => (state === "Allocated" ? sdk.allocate() : sdk.ready())) === undefined) return;
        published.state = state;
        this.logger.info({ event: "agones_state", state, rooms: now.rooms, clients: now.clients }, `Agones: ${state}`);
      }
    }
    if (!this.areCountersOff) await this.publishCounts(now, published);
  }

  private async publishCounts(now: Occupancy, published: AgonesLifecycle["published"]): Promise<void> {
    const { maxRoomsPerProcess, maxClientsPerProcess } = this.appConfig;
    const counters = this.sdk.beta;
    const set = async (what: string, request: () => Promise<void>): Promise<boolean> => {
      try {
        await request();
        return true;
      } catch (error) {
        if (TRANSPORT_FAILURES.has(codeOf(error) ?? -1)) {
          this.lose(error);
        } else {
          // Counters undeclared in the Fleet, or CountsAndLists off: the lifecycle works without them.
          this.areCountersOff = true;
          this.logger.error({ event: "agones_counters_off", request: what, err: error },
            `Agones refused ${what}: not publishing the "${ROOMS_COUNTER}" and "${PLAYERS_COUNTER}" Counters (declare them in the Fleet's spec.template.spec.counters)`);
        }
        return false;
      }
    };
    if (published.hasCapacity !== true) {
      // The process's own limits, so the Fleet's aggregate capacity matches what it will accept.
      if (!await set("SetCounterCapacity", () => counters.setCounterCapacity(ROOMS_COUNTER, maxRoomsPerProcess))) return;
      if (!await set("SetCounterCapacity", () => counters.setCounterCapacity(PLAYERS_COUNTER, maxClientsPerProcess))) return;
      published.hasCapacity = true;
    }
    // A count past the capacity is refused by Agones: lobby rooms and clients can exceed the game limits.
    const rooms = Math.min(now.rooms, maxRoomsPerProcess);
    if (rooms !== published.rooms) {
      if (!await set("SetCounterCount", () => counters.setCounterCount(ROOMS_COUNTER, rooms))) return;
      published.rooms = rooms;
    }
    const players = Math.min(now.clients, maxClientsPerProcess);
    if (players !== published.players) {
      if (!await set("SetCounterCount", () => counters.setCounterCount(PLAYERS_COUNTER, players))) return;
      published.players = players;
    }
  }
}
