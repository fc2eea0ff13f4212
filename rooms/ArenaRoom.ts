import { randomInt } from "node:crypto";
import { Room, ServerError, validate, type Client, type RoomException, type RoomMethodName } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import type { Logger } from "pino";
import { CLOSE_CODES, ERROR_CODES } from "../src/closeCodes.ts";
import { ARENA_LEVEL } from "../src/sim/level.ts";
import {
  addPlayer, applyInput, createWorld, removePlayer, stepWorld,
  type SimEntity, type SimEvent, type TargetView, type World,
} from "../src/sim/world.ts";
import { guardFrames, sendBufferBytes, terminate } from "./clientGuard.ts";
import { checkJoinToken, type JoinIdentity } from "./joinToken.ts";
import { InterestManager } from "./interest.ts";
import { rewindMsOf, rewindTargetView } from "./lagCompensation.ts";
import { DirectMessageRequest, parseJoinOptions, RenameMessage } from "./joinOptions.ts";
import { PlayerMessaging } from "./playerMessaging.ts";
import { RoomStats, type ClientNetStats } from "./roomStats.ts";
import { ArenaState, OWNER_VIEW_TAG, PlayerInput } from "./schema/ArenaState.ts";
import type { ArenaSettings } from "./settings.ts";
import { createWirePlayer, createWireProjectile, writePlayer } from "./stateSync.ts";

/** Inputs applied per player per tick: catches up after jitter, but a client cannot run faster than the sim. */
const MAX_INPUTS_PER_TICK = 2;
/** Every this many points, a player's score is announced to every arena on every process. */
const SCORE_MILESTONE = 10;
/** A slow client closed for its send buffer gets this long to take the close frame before its socket is ended. */
const SLOW_CLIENT_GRACE_MS = 1_000;

/**
 * The `arena` room: a thin adapter between Colyseus and the pure simulation
 * in src/sim. Each fixed tick applies buffered inputs, steps the world and
 * mirrors it onto the schema; each patch first refreshes every client's view.
 */
export class ArenaRoom extends Room<{ state: ArenaState; input: PlayerInput }> {
  state = new ArenaState();
  inputs = this.defineInput(PlayerInput, {
    seqField: "seq",
    bufferMaxSize: 8,
    sanitize: { moveX: [-1, 1], moveY: [-1, 1] },
  });
  messages = {
    rename: validate(RenameMessage, (client: Client, message) => {
      const player = this.world.players.get(client.sessionId);
      if (player === undefined) return;
      player.name = message.name;
      this.state.players.get(client.sessionId)!.name = message.name;
    }),
    /** A request: resolves { delivered: true } or rejects with "not online". */
    dm: validate(DirectMessageRequest, async (client: Client, message, ctx) => {
      const fromName = this.world.players.get(client.sessionId)?.name ?? "";
      const from = this.playerIds.get(client.sessionId) ?? client.sessionId;
      const outcome = await this.messaging.sendDirect(message.to, { from, fromName, text: message.text });
      return outcome.delivered ? ctx.resolve(outcome) : ctx.reject(outcome.reason);
    }),
  };

  /** Tick, patch and client network figures, sampled by the process's monitoring. */
  readonly stats = new RoomStats();
  private settings!: ArenaSettings;
  private log!: Logger;
  private world!: World;
  private interest!: InterestManager;
  private targetView!: TargetView;
  private failedTicksInARow = 0;
  /** Clients this room closed on purpose: their drop is not a network blip, so no seat is held. */
  private readonly closedOnPurpose = new Set<string>();
  /** sessionId -> player id (the token's subject, or the session id for anonymous play). */
  private readonly playerIds = new Map<string, string>();
  private messaging!: PlayerMessaging;

  onCreate(options: { settings: ArenaSettings; mode?: unknown }) {
    const parsed = parseJoinOptions({ mode: options.mode });
    if (!parsed.ok) throw new ServerError(ERROR_CODES.INVALID_JOIN_OPTIONS, parsed.reason);
    this.settings = options.settings;
    const seed = randomInt(2 ** 32);
    this.log = this.settings.logger.child({ roomId: this.roomId, mode: parsed.value.mode });
    this.world = createWorld(seed, this.settings.tickHz, ARENA_LEVEL);
    this.interest = new InterestManager(this.settings.viewRadiusUnits);
    this.maxClients = this.settings.maxClients;
    this.maxMessagesPerSecond = this.settings.maxMessagesPerSecond;
    this["_onMessage"] = guardFrames(this["_onMessage"].bind(this), (client, reason) => this.refuse(client, reason));
    this.patchRate = 1000 / this.settings.patchHz;
    this.state.tickHz = this.settings.tickHz;
    const rewind = this.allowRewindState({ maxRewindMs: this.settings.maxRewindMs });
    rewind.attachAll(this.state.players, { fields: ["x", "y"], mode: "snapshot" });
    this.targetView = rewindTargetView(rewind, (id) => this.state.players.get(id), () => this.clock.elapsedTime);
    this.messaging = new PlayerMessaging(
      this.presence, this.roomName, (sessionId) => this.clients.getById(sessionId), (type, message) => this.broadcast(type, message));
    void this.messaging.start();
    this.setFixedTimestep(() => this.step(), this.settings.tickHz);
    this.settings.telemetry.onRoomCreated?.(this.roomId, this.roomName);
    this.log.info({ event: "room_created", seed, tickHz: this.settings.tickHz }, "room created");
  }

  /** Full when the room is, or when the whole process is at its client cap (then matchmaking looks elsewhere). */
  hasReachedMaxClients(): boolean {
    return super.hasReachedMaxClients() || (this.settings !== undefined && !this.settings.canAdmitPlayer());
  }

  /** With JOIN_SECRET set, a join needs a valid token (Authorization header or `token` option). */
  async onAuth(_client: Client, options: { token?: unknown } | undefined, context: { token?: string }): Promise<JoinIdentity | true> {
    if (this.settings.joinSecret === undefined) return true;
    const check = await checkJoinToken(this.settings.joinSecret, context.token ?? options?.token);
    if (!check.ok) throw new ServerError(ERROR_CODES.AUTH_FAILED, check.reason);
    return check.identity;
  }

  onJoin(client: Client, options: unknown, auth?: JoinIdentity | true) {
    const parsed = parseJoinOptions(options);
    if (!parsed.ok) throw new ServerError(ERROR_CODES.INVALID_JOIN_OPTIONS, parsed.reason);
    const identity = auth === true ? undefined : auth;
    // A signed name wins over the one in the options; anonymous players are known by their session.
    const name = identity?.name ?? parsed.value.name ?? `player-${client.sessionId.slice(0, 4)}`;
    const playerId = identity?.playerId ?? client.sessionId;
    this.playerIds.set(client.sessionId, playerId);
    const sim = addPlayer(this.world, client.sessionId, name);
    const wire = createWirePlayer(sim, playerId);
    this.state.players.set(client.sessionId, wire);
    client.view = new StateView();
    client.view.add(wire, OWNER_VIEW_TAG);
    this.interest.update(client.sessionId, client.view, this.world, (e) => this.wireOf(e));
    void this.messaging.addPlayer(playerId, client.sessionId);
    this.stats.watch(client);
    this.settings.telemetry.onPlayersChanged?.(this.roomId);
    this.log.info({ event: "player_joined", sessionId: client.sessionId, name }, "player joined");
  }

  onDrop(client: Client, code?: number) {
    // Only a transport-level drop (1xxx) or a transient close gets its seat held.
    // Deliberate 4xxx closes (invalid message, room failure, shutdown) go on to onLeave.
    const isTransient = code === undefined || code < 4000 || code === CLOSE_CODES.MAY_TRY_RECONNECT;
    if (!isTransient || this.settings.reconnectGraceS === 0 || this.closedOnPurpose.has(client.sessionId)) return;
    const wire = this.state.players.get(client.sessionId);
    if (wire !== undefined) wire.isConnected = false;
    // Rejects on expiry (Colyseus then calls onLeave) or when the room is disposing.
    Promise.resolve(this.allowReconnection(client, this.settings.reconnectGraceS)).catch(() => undefined);
    this.log.info({ event: "player_dropped", sessionId: client.sessionId, code }, "player dropped, seat held");
  }

  onReconnect(client: Client) {
    const wire = this.state.players.get(client.sessionId);
    if (wire !== undefined) wire.isConnected = true;
    this.stats.watch(client);
    this.log.info({ event: "player_reconnected", sessionId: client.sessionId }, "player reconnected");
  }

  onLeave(client: Client, code?: number) {
    const wire = this.state.players.get(client.sessionId);
    removePlayer(this.world, client.sessionId);
    this.closedOnPurpose.delete(client.sessionId);
    this.messaging.removePlayer(this.playerIds.get(client.sessionId) ?? client.sessionId);
    this.playerIds.delete(client.sessionId);
    this.stats.forget(client.sessionId);
    if (wire !== undefined) {
      this.state.players.delete(client.sessionId);
      this.interest.forgetEntity(wire);
    }
    this.interest.forgetViewer(client.sessionId);
    this.settings.telemetry.onPlayersChanged?.(this.roomId);
    this.log.info({ event: "player_left", sessionId: client.sessionId, code }, "player left");
  }

  onDispose() {
    this.messaging?.stop();
    this.settings.telemetry.onRoomDisposed?.(this.roomId);
    this.log.info({ event: "room_disposed", tick: this.world.tick }, "room disposed");
  }

  onUncaughtException(error: RoomException, methodName: RoomMethodName) {
    const cause = error.cause instanceof ServerError ? error.cause : undefined;
    if (cause?.code === ERROR_CODES.INVALID_JOIN_OPTIONS || cause?.code === ERROR_CODES.AUTH_FAILED) {
      this.log?.info({ event: "join_refused", reason: cause.message }, "join refused");
      return;
    }
    (this.log ?? this.settings?.logger)?.error({ event: "room_exception", methodName, err: error.cause ?? error }, "room handler threw");
    if (methodName !== "setFixedTimestep") return;
    // One failed tick is survivable; a full second of them means the world is broken.
    this.failedTicksInARow++;
    if (this.failedTicksInARow === this.settings.tickHz) {
      this.log.error({ event: "room_failed" }, "simulation keeps failing, closing room");
      void this.disconnect(CLOSE_CODES.ROOM_FAILED);
    }
  }

  override broadcastPatch(): boolean {
    const started = performance.now();
    try {
      for (const client of this.clients) {
        if (this.isTooSlow(client)) continue;
        if (client.view !== undefined) this.interest.update(client.sessionId, client.view, this.world, (e) => this.wireOf(e));
      }
    } catch (error) {
      this.log.error({ event: "interest_update_failed", err: error }, "interest update threw");
    }
    const sent = super.broadcastPatch();
    const micros = (performance.now() - started) * 1000;
    this.stats.recordPatch(micros, this.clients.length);
    this.settings.telemetry.onPatch(this.roomId, micros);
    return sent;
  }

  /** What an operator sees of this room (called through Colyseus' remoteRoomCall from any process). */
  operatorView() {
    const inspector = this.getInspectorView();
    const latest = new Map(this.stats.latestClients().map((c) => [c.sessionId, c]));
    const clients = [...this.clients].map((client): ClientNetStats & { name: string } => ({
      rttMs: null, bytesOutPerS: 0, sendBufferBytes: 0,
      ...latest.get(client.sessionId),
      sessionId: client.sessionId,
      name: this.world.players.get(client.sessionId)?.name ?? "",
    }));
    return {
      roomId: this.roomId, roomType: this.roomName, clients,
      tick: this.stats.history(), stateSizeBytes: inspector.stateSize, state: this.state.toJSON(),
    };
  }

  /**
   * Backpressure: a client whose socket holds more unsent data than the hard
   * limit is closed, so one slow reader can neither grow memory without bound
   * nor slow the tick; past a quarter of it, it is counted as lagging.
   */
  private isTooSlow(client: Client): boolean {
    const buffered = sendBufferBytes(client);
    if (buffered <= this.settings.maxClientBufferBytes / 4) return false;
    this.stats.noteLagging(client.sessionId);
    if (buffered <= this.settings.maxClientBufferBytes) return false;
    this.log.warn({ event: "slow_client_closed", sessionId: client.sessionId, bufferedBytes: buffered }, "client not reading, closed");
    this.closedOnPurpose.add(client.sessionId);
    client.leave(CLOSE_CODES.SLOW_CLIENT);
    this.clock.setTimeout(() => terminate(client), SLOW_CLIENT_GRACE_MS);
    return true;
  }

  private refuse(client: Client, reason: string): void {
    this.log.warn({ event: "client_refused", sessionId: client.sessionId, reason }, "invalid frame, client closed");
    this.stats.noteRefused();
    this.closedOnPurpose.add(client.sessionId);
    client.leave(CLOSE_CODES.INVALID_MESSAGE);
  }

  private step(): void {
    const started = performance.now();
    const now = this.clock.elapsedTime;
    let inputs = 0;
    for (const [sessionId, player] of this.world.players) {
      const channel = this.inputs.get(sessionId);
      for (let i = 0; i < MAX_INPUTS_PER_TICK; i++) {
        const input = channel.next();
        if (input === undefined) break;
        applyInput(this.world, player, input, rewindMsOf(channel.renderTime, now, this.settings.maxRewindMs));
        inputs++;
      }
    }
    this.applyEvents(stepWorld(this.world, this.targetView));
    for (const [sessionId, sim] of this.world.players) writePlayer(this.state.players.get(sessionId)!, sim);
    this.state.tick = this.world.tick;
    this.failedTicksInARow = 0;
    const micros = (performance.now() - started) * 1000;
    this.stats.recordTick(micros, inputs);
    this.settings.telemetry.onTick(this.roomId, micros);
  }

  private applyEvents(events: SimEvent[]): void {
    for (const event of events) {
      if (event.type === "fired") {
        this.state.projectiles.set(String(event.projectile.id), createWireProjectile(event.projectile));
      } else if (event.type === "projectileRemoved") {
        const key = String(event.projectileId);
        const wire = this.state.projectiles.get(key);
        if (wire === undefined) continue;
        this.state.projectiles.delete(key);
        this.interest.forgetEntity(wire);
      } else if (event.type === "killed") {
        this.broadcast("kill", { killerId: event.killerId, victimId: event.victimId });
        const killer = this.world.players.get(event.killerId);
        if (killer !== undefined && killer.score % SCORE_MILESTONE === 0) {
          this.messaging.publishRoomTypeEvent({ kind: "milestone", roomId: this.roomId, playerName: killer.name, score: killer.score });
        }
      }
    }
  }

  private wireOf(entity: SimEntity) {
    return entity.kind === "player"
      ? this.state.players.get(entity.id)
      : this.state.projectiles.get(String(entity.id));
  }
}
