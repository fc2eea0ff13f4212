import { randomInt } from "node:crypto";
import { Room, ServerError, validate, type Client, type Deferred, type RoomException, type RoomMethodName, type Serializer } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import type { Logger } from "pino";
import { CLOSE_CODES, ERROR_CODES } from "../src/closeCodes.ts";
import { ARENA_LEVEL } from "../src/sim/level.ts";
import {
  addPlayer, applyInput, createWorld, removePlayer, stepWorld,
  type SimEntity, type TargetView, type World,
} from "../src/sim/world.ts";
import { ClientGuard, guardFrames } from "./clientGuard.ts";
import { interceptFrames } from "./colyseusInternals.ts";
import { FailurePolicy } from "./failurePolicy.ts";
import { FixedRateTimer } from "./fixedRateTimer.ts";
import { admitJoin, type JoinIdentity } from "./joinToken.ts";
import { InterestManager } from "./interest.ts";
import { rewindMsOf, rewindTargetView } from "./lagCompensation.ts";
import { parseJoinOptions } from "./joinOptions.ts";
import { DirectMessageRequestSchema, RenameMessageSchema } from "./messageValidators.ts";
import { CLIENT_MESSAGES, SERVER_MESSAGES, type ClientMessageName, type KillMessage, type ServerMessages } from "./messages.ts";
import { PlayerMessaging } from "./playerMessaging.ts";
import { PlayerSessions } from "./playerSessions.ts";
import { releaseRemovedRef } from "./releaseRemovedRef.ts";
import { operatorClients, RoomStats } from "./roomStats.ts";
import { ArenaState, OWNER_VIEW_TAG, PlayerInput } from "./schema/ArenaState.ts";
import type { ArenaSettings, RoomReport } from "./settings.ts";
import { applyWorldEvents, createWirePlayer, writePlayer } from "./stateSync.ts";

/** Inputs applied per player per tick: catches up after jitter, but a client cannot run faster than the sim. */
const MAX_INPUTS_PER_TICK = 2;
/**
 * A client's view (who is within VIEW_RADIUS) is recomputed every this many patches, for a share of
 * the clients each patch: at 20 Hz patches, 10 times a second. The radius query and the set
 * difference were a fifth of a busy room's CPU; an entity enters or leaves a view at most one patch
 * (50 ms) later than it crosses the radius.
 */
const INTEREST_REFRESH_PATCHES = 2;
/** Every this many points, a player's score is announced to every arena on every process. */
const SCORE_MILESTONE = 10;
const RENAME_REFUSED_REASON = "the name comes from the join token";

/** A client of the arena: what the room sends it is typed by the message catalogue. */
type ArenaClient = Client<{ messages: ServerMessages }>;

/**
 * The `arena` room: a thin adapter between Colyseus and the pure simulation
 * in src/sim. Each fixed tick applies buffered inputs, steps the world and
 * applies its events (projectiles, kills); each patch first mirrors the
 * players onto the schema and refreshes every client's view.
 */
export class ArenaRoom extends Room<{ state: ArenaState; input: PlayerInput; client: ArenaClient }> {
  state = new ArenaState();
  inputs = this.defineInput(PlayerInput, {
    seqField: "seq",
    bufferMaxSize: 8,
    sanitize: { moveX: [-1, 1], moveY: [-1, 1] },
  });
  messages = {
    /** With JOIN_SECRET set, names are signed: a rename is refused with a reply, not a close. */
    [CLIENT_MESSAGES.RENAME]: validate(RenameMessageSchema, (client: ArenaClient, message) => {
      if (this.settings.joinSecret !== undefined) {
        client.send(SERVER_MESSAGES.RENAME_REFUSED, { reason: RENAME_REFUSED_REASON });
        return;
      }
      const player = this.world.players.get(client.sessionId);
      if (player === undefined) return;
      player.name = message.name;
      this.state.players.get(client.sessionId)!.name = message.name;
    }),
    /** A request: resolves { delivered: true } or rejects with "not online". */
    [CLIENT_MESSAGES.DIRECT_MESSAGE]: validate(DirectMessageRequestSchema, async (client: ArenaClient, message, ctx) => {
      const fromName = this.world.players.get(client.sessionId)?.name ?? "";
      const from = this.playerIds.get(client.sessionId) ?? client.sessionId;
      const outcome = await this.messaging.sendDirect(message.to, { from, fromName, text: message.text });
      return outcome.delivered ? ctx.resolve(outcome) : ctx.reject(outcome.reason);
    }),
  } satisfies Record<ClientMessageName, unknown>;

  /** Tick, patch and client network figures, sampled by the process's monitoring. */
  readonly stats = new RoomStats();
  private settings!: ArenaSettings;
  private log!: Logger;
  /** This room's line in the process's record of live rooms, from the end of onCreate. */
  private report!: RoomReport;
  private world!: World;
  private interest!: InterestManager;
  private targetView!: TargetView;
  private failures!: FailurePolicy;
  private guard!: ClientGuard;
  /** sessionId -> player id (the token's subject, or the session id for anonymous play). */
  private readonly playerIds = new Map<string, string>();
  private messaging!: PlayerMessaging;
  private sessions!: PlayerSessions;
  private patchesPrepared = 0;
  private patchTimer?: FixedRateTimer;
  private isSendingPatch = false;
  /** Colyseus' encoder of this room's state: core installs it through setSerializer when the state is assigned. */
  private serializer?: Serializer<ArenaState>;
  /** Seats held for dropped players, so a replaced session's seat can be given up at once. */
  private readonly heldSeats = new Map<string, Deferred<Client>>();

  onCreate(options: { settings: ArenaSettings; mode?: unknown }) {
    this.settings = options.settings;
    this.log = this.settings.logger.child({ roomId: this.roomId });
    this.failures = new FailurePolicy(this.settings.tickHz, () => void this.disconnect(CLOSE_CODES.ROOM_FAILED));
    const parsed = parseJoinOptions({ mode: options.mode });
    if (!parsed.ok) throw new ServerError(ERROR_CODES.INVALID_JOIN_OPTIONS, parsed.reason);
    const seed = randomInt(2 ** 32);
    this.world = createWorld(seed, this.settings.tickHz, ARENA_LEVEL);
    this.interest = new InterestManager(this.settings.viewRadiusUnits);
    this.maxClients = this.settings.maxClients;
    // A reservation nobody connects with frees its seat (and the room, if empty) this soon.
    this.seatReservationTimeout = this.settings.seatReservationS;
    this.maxMessagesPerSecond = this.settings.maxMessagesPerSecond;
    this.guard = new ClientGuard(this.settings.maxClientBufferBytes, this.log, this.stats, (run, ms) => this.clock.setTimeout(run, ms), this.settings.clientAddressOf);
    interceptFrames(this, (dispatch) => guardFrames(dispatch, this.guard.refuse, !this.settings.isLatencySimulated));
    // Clients and the rewind read patchRate; the patches themselves come from patchTimer (see broadcastPatch).
    this.patchRate = 1000 / this.settings.patchHz;
    this.patchTimer = new FixedRateTimer(this.patchRate, () => this.sendPatch());
    this.patchTimer.start();
    this.state.tickHz = this.settings.tickHz;
    const rewind = this.allowRewindState({ maxRewindMs: this.settings.maxRewindMs });
    rewind.attachAll(this.state.players, { fields: ["x", "y"], mode: "snapshot" });
    this.targetView = rewindTargetView(rewind, (id) => this.state.players.get(id), () => this.clock.elapsedTime);
    this.messaging = new PlayerMessaging(
      this.presence, this.roomName, this.roomId, (sessionId) => this.clients.getById(sessionId), (type, message) => this.broadcast(type, message));
    // A Redis that stops answering fails these: the room plays on, without cross-process messages until it answers.
    this.messaging.start().catch((err: unknown) => this.log.warn({ event: "messaging_subscribe_failed", err }, "could not subscribe to the room's message channels"));
    this.sessions = new PlayerSessions(this.presence, this.log, (sessionId) => this.closeReplaced(sessionId));
    this.setFixedTimestep(() => this.step(), this.settings.tickHz);
    this.report = this.settings.liveRooms.add(this);
    this.log.info({ event: "room_created", mode: parsed.value.mode, seed, tickHz: this.settings.tickHz }, "room created");
  }

  /** Full when the room is, or when the whole process is at its client cap (then matchmaking looks elsewhere). */
  hasReachedMaxClients(): boolean {
    return super.hasReachedMaxClients() || (this.settings !== undefined && !this.settings.canAdmitPlayer());
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
    this.interest.update(client.sessionId, client.view, this.world, this.wireOf);
    this.messaging.addPlayer(playerId, client.sessionId).catch((err: unknown) => this.log.warn({ event: "messaging_subscribe_failed", err, sessionId: client.sessionId }, "could not subscribe to the player's message channel"));
    // One session per signed-in player; an anonymous player's id is its session, never shared.
    if (identity !== undefined) void this.sessions.add(playerId, client.sessionId);
    this.stats.watch(client);
    this.report.playersChanged();
    this.log.info({ event: "player_joined", sessionId: client.sessionId, name }, "player joined");
  }

  onDrop(client: Client, code?: number) {
    // Only a transport-level drop (1xxx) or a transient close gets its seat held.
    // Deliberate 4xxx closes (invalid message, room failure, shutdown) go on to onLeave.
    const isTransient = code === undefined || code < 4000 || code === CLOSE_CODES.MAY_TRY_RECONNECT;
    if (!isTransient || this.settings.reconnectGraceS === 0 || this.guard.wasClosedOnPurpose(client.sessionId)) return;
    const wire = this.state.players.get(client.sessionId);
    if (wire !== undefined) wire.isConnected = false;
    // Rejects on expiry (Colyseus then calls onLeave) or when the room is disposing.
    const seat = this.allowReconnection(client, this.settings.reconnectGraceS);
    this.heldSeats.set(client.sessionId, seat);
    Promise.resolve(seat).catch(() => undefined);
    this.log.info({ event: "player_dropped", sessionId: client.sessionId, code }, "player dropped, seat held");
  }

  onReconnect(client: Client) {
    const wire = this.state.players.get(client.sessionId);
    if (wire !== undefined) wire.isConnected = true;
    this.heldSeats.delete(client.sessionId);
    this.stats.watch(client);
    this.log.info({ event: "player_reconnected", sessionId: client.sessionId }, "player reconnected");
  }

  onLeave(client: Client, code?: number) {
    const wire = this.state.players.get(client.sessionId);
    removePlayer(this.world, client.sessionId);
    this.guard.forget(client.sessionId);
    const playerId = this.playerIds.get(client.sessionId) ?? client.sessionId;
    this.messaging.removePlayer(playerId, client.sessionId);
    this.sessions.remove(playerId, client.sessionId);
    this.heldSeats.delete(client.sessionId);
    this.playerIds.delete(client.sessionId);
    this.stats.forget(client.sessionId);
    if (wire !== undefined) {
      this.state.players.delete(client.sessionId);
      releaseRemovedRef(this.state.players, wire);
      this.interest.forgetEntity(wire);
    }
    this.interest.forgetViewer(client.sessionId);
    // Release the view's id and visibility bits now rather than whenever GC gets to it.
    client.view?.dispose();
    this.report.playersChanged();
    this.log.info({ event: "player_left", sessionId: client.sessionId, code }, "player left");
  }

  onDispose() {
    this.patchTimer?.stop();
    // A room whose onCreate refused its options never counted as created.
    if (this.messaging === undefined) return;
    this.messaging.stop();
    this.sessions.stop();
    this.settings.liveRooms.remove(this.roomId);
    this.log.info({ event: "room_disposed", tick: this.world.tick }, "room disposed");
  }

  onUncaughtException(error: RoomException, methodName: RoomMethodName) {
    this.failures.handle(error, methodName, this.log);
  }

  /**
   * Colyseus calls this from its own setInterval, which drifts under load (Node re-arms an interval
   * from when its callback ran: on a busy core 20 Hz became 17.6). Those calls do nothing; patches
   * are sent by patchTimer, against fixed deadlines.
   */
  override broadcastPatch(): boolean {
    return this.isSendingPatch ? this.preparePatchAndSend() : false;
  }

  private sendPatch(): void {
    this.isSendingPatch = true;
    try {
      this.broadcastPatch();
    } catch (error) {
      // Outside Colyseus' handlers: contained here, so a failing patch costs this room a patch, never the process.
      this.log.error({ event: "patch_failed", err: error }, "sending a patch threw");
    } finally {
      this.isSendingPatch = false;
    }
  }

  private preparePatchAndSend(): boolean {
    const started = performance.now();
    try {
      // Players are mirrored onto the schema once per patch, not per tick: only patches read it
      // (and the rewind, which records inside super.broadcastPatch, after this).
      for (const [sessionId, sim] of this.world.players) writePlayer(this.state.players.get(sessionId)!, sim);
      this.state.tick = this.world.tick;
      // Each view is refreshed every INTEREST_REFRESH_PATCHES patches, a share of the clients per patch.
      const refreshing = this.patchesPrepared++ % INTEREST_REFRESH_PATCHES;
      let index = 0;
      for (const client of this.clients) {
        if (this.guard.closeIfTooSlow(client)) continue;
        if (client.view !== undefined && index++ % INTEREST_REFRESH_PATCHES === refreshing) {
          this.interest.update(client.sessionId, client.view, this.world, this.wireOf);
        }
      }
    } catch (error) {
      this.log.error({ event: "patch_preparation_failed", err: error }, "mirroring or interest update threw");
    }
    const sent = super.broadcastPatch();
    const micros = (performance.now() - started) * 1000;
    this.report.recordPatch(micros, this.clients.length);
    return sent;
  }

  /** What an operator sees of this room (called through Colyseus' remoteRoomCall from any process). */
  operatorView() {
    const clients = operatorClients(this.stats, this.clients, (sessionId) => this.world.players.get(sessionId)?.name ?? "");
    return {
      roomId: this.roomId, roomType: this.roomName, clients, tick: this.stats.history(),
      stateSizeBytes: this.fullStateBytes(), state: this.state.toJSON(),
    };
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
    applyWorldEvents(stepWorld(this.world, this.targetView), this.state, this.interest, (k, v) => this.announceKill(k, v));
    this.failures.tickSucceeded();
    const micros = (performance.now() - started) * 1000;
    this.report.recordTick(micros, inputs);
  }

  /**
   * Bytes of the full state a client downloads on joining, for its own view
   * (the first client's): the view-less size Colyseus reports leaves out every
   * filtered entity.
   */
  fullStateBytes(): number {
    const client = this.clients[0];
    const full = client === undefined ? undefined : this.serializer?.getFullState(client);
    return full?.byteLength ?? this.getInspectorView().stateSize;
  }

  override setSerializer(serializer: Serializer<ArenaState>): void {
    this.serializer = serializer;
    super.setSerializer(serializer);
  }

  /**
   * The killer and the victim hear of a kill at once, wherever they are; everyone else who sees the
   * victim reads it from the state (`killedBy` as `isAlive` turns false), with no frame of its own.
   */
  private announceKill(killerId: string, victimId: string): void {
    const kill: KillMessage = { killerId, victimId };
    this.clients.getById(killerId)?.send(SERVER_MESSAGES.KILL, kill);
    if (victimId !== killerId) this.clients.getById(victimId)?.send(SERVER_MESSAGES.KILL, kill);
    const killer = this.world.players.get(killerId);
    if (killer !== undefined && killer.score % SCORE_MILESTONE === 0) {
      this.messaging.publishFeedEvent({ kind: "milestone", roomId: this.roomId, playerName: killer.name, score: killer.score });
    }
  }

  /** A newer session of the same player joined somewhere: this one goes, connected or holding a seat. */
  private closeReplaced(sessionId: string): void {
    this.log.info({ event: "session_replaced", sessionId }, "a newer session of this player joined; closing this one");
    const client = this.clients.getById(sessionId);
    if (client !== undefined) this.guard.close(client, CLOSE_CODES.SESSION_REPLACED);
    else this.heldSeats.get(sessionId)?.reject(new Error("session replaced"));
  }

  private readonly wireOf = (entity: SimEntity) => {
    return entity.kind === "player"
      ? this.state.players.get(entity.id)
      : this.state.projectiles.get(String(entity.id));
  };
}

/**
 * The arena room type with its settings bound: Colyseus calls a room class's
 * *static* `onAuth` during the HTTP matchmaking request, so token and options
 * are checked there, before a seat is reserved or a room created.
 */
export function arenaRoomType(settings: ArenaSettings): typeof ArenaRoom {
  return class ConfiguredArenaRoom extends ArenaRoom {
    static override onAuth(token: string, options: unknown): Promise<JoinIdentity | true> {
      return admitJoin(settings, token, options);
    }
  };
}
