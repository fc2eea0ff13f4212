import { Callbacks, Predict, type InputHandle } from "@colyseus/sdk";
import type { ArenaState, Player, PlayerInput } from "../../rooms/schema/ArenaState.ts";
import { FIRE_COOLDOWN_MS, POSITION_SCALE, PROJECTILE_TTL_MS, ticksFor } from "../sim/constants.ts";
import { ARENA_LEVEL, indexLevel } from "../sim/level.ts";
import { ChatBox } from "./ChatBox.ts";
import { composeFrame, type RemoteSnapshot } from "./composeFrame.ts";
import { Controls } from "./Controls.ts";
import { DebugPanel } from "./DebugPanel.ts";
import { sendDirectMessage } from "./directMessage.ts";
import { drawScene } from "./drawArena.ts";
import { Hud } from "./Hud.ts";
import { InputPacer } from "./InputPacer.ts";
import type { ArenaRoom } from "./joinArena.ts";
import { describeLeave } from "./leaveReason.ts";
import { OwnPrediction, type PredictionErrorReport } from "./OwnPrediction.ts";
import { PatchMeter } from "./PatchMeter.ts";
import { PlayerDirectory } from "./PlayerDirectory.ts";
import { ProjectileTracker, type DrawnProjectile } from "./ProjectileTracker.ts";
import { RttProbe } from "./RttProbe.ts";
import { TickClock } from "./TickClock.ts";

/** Other entities are drawn this many patch intervals in the past, so one late patch never stalls them. */
const INTERPOLATION_PATCHES = 2;
/** Used until the server advertises its patch interval in the input handshake. */
const DEFAULT_PATCH_MS = 50;
/** A remote player moving further than this between patches respawned: cut, don't glide. */
const TELEPORT_UNITS = 4;
const HUD_INTERVAL_MS = 250;
const PING_INTERVAL_MS = 1_000;
const DEBUG_PING_INTERVAL_MS = 250;
const DM_TIMEOUT_MS = 5_000;

export interface SessionElements {
  canvas: HTMLCanvasElement;
  stats: HTMLElement;
  scoreboard: HTMLTableSectionElement;
  killFeed: HTMLOListElement;
  banner: HTMLElement;
  chatLog: HTMLOListElement;
  chatForm: HTMLFormElement;
  chatInput: HTMLInputElement;
  debug: HTMLElement;
}

export interface SessionEvents {
  /** The connection dropped; the SDK is reconnecting. */
  dropped(): void;
  reconnected(): void;
  /** The session is over; `message` says why (undefined when the player left on purpose). */
  ended(message: string | undefined): void;
}

/** What the last frame drew, for the debug hook. */
export interface FrameSnapshot {
  frame: number;
  own: { x: number; y: number } | null;
  remotes: Map<string, RemoteSnapshot>;
  projectiles: DrawnProjectile[];
}

/**
 * One joined arena, from the first state to the leave: sends inputs, predicts
 * the own player, interpolates everything else, draws each frame, and runs
 * the HUD, chat and reconnection signals.
 */
export class GameSession {
  readonly room: ArenaRoom;
  /** Drawn this frame; read by the debug hook. */
  snapshot: FrameSnapshot = { frame: 0, own: null, remotes: new Map(), projectiles: [] };

  private readonly elements: SessionElements;
  private readonly events: SessionEvents;
  private readonly level = indexLevel(ARENA_LEVEL);
  private readonly tickHz: number;
  private readonly interpolationDelayMs: number;
  private readonly predict: Predict<ArenaState>;
  private readonly input: InputHandle<PlayerInput>;
  private readonly tickClock: TickClock;
  private readonly projectiles: ProjectileTracker;
  private readonly pacer: InputPacer;
  private readonly controls: Controls;
  private readonly hud: Hud;
  private readonly chat: ChatBox;
  private readonly debugPanel: DebugPanel | undefined;
  private readonly patchMeter = new PatchMeter();
  private readonly rtt = new RttProbe();
  private readonly players = new PlayerDirectory();
  /** Projectiles the last patch removed; stamped with that patch's tick once it is fully applied. */
  private readonly removedProjectiles: string[] = [];
  private own: OwnPrediction | undefined;
  private seq = 0;
  private lastSent = { moveX: 0, moveY: 0, fire: false };
  private frameRequest = 0;
  private frameTimes: number[] = [];
  private lastHudMs = Number.NEGATIVE_INFINITY;
  private isOver = false;
  private wasAlive = true;
  private lastError: PredictionErrorReport | undefined;

  constructor(room: ArenaRoom, elements: SessionElements, events: SessionEvents, options: { isDebug: boolean }) {
    this.room = room;
    this.elements = elements;
    this.events = events;
    this.tickHz = room.state.tickHz;
    this.input = room.input<PlayerInput>({ mode: "reliable" });
    const patchMs = this.input.patchRate ?? DEFAULT_PATCH_MS;
    this.interpolationDelayMs = INTERPOLATION_PATCHES * patchMs;
    this.tickClock = new TickClock(this.tickHz);
    this.projectiles = new ProjectileTracker(this.tickHz, ticksFor(PROJECTILE_TTL_MS, this.tickHz));

    // Remote players are interpolated between patches, drawn INTERPOLATION_PATCHES
    // intervals behind; the reconciler below overlays the own player's fields.
    this.predict = Predict.get(room, { mode: "lerp", delay: this.interpolationDelayMs, name: "arena" });
    const position = { mode: "lerp", delay: this.interpolationDelayMs, snap: TELEPORT_UNITS * POSITION_SCALE } as const;
    this.predict.attachAll("players", { x: position, y: position, aim: { mode: "lerp", delay: this.interpolationDelayMs, angle: true } });

    this.pacer = new InputPacer(1000 / this.tickHz, () => this.sendInput());
    // A click holds fire for just under the cooldown: fires as soon as allowed, never twice.
    const clickFireInputs = ticksFor(FIRE_COOLDOWN_MS, this.tickHz) - 1;
    this.controls = new Controls(elements.canvas, clickFireInputs, () => this.onIntentChange());
    this.chat = new ChatBox(elements.chatLog, elements.chatForm, elements.chatInput, {
      recipients: () => this.players.recipients(this.room.sessionId),
      sendDirect: (to, text) => sendDirectMessage(room, to, text, DM_TIMEOUT_MS),
    });
    this.hud = new Hud(
      { stats: elements.stats, scoreboard: elements.scoreboard, killFeed: elements.killFeed, banner: elements.banner },
      (name) => this.chat.whisperTo(name),
    );
    this.debugPanel = options.isDebug ? new DebugPanel(elements.debug) : undefined;
    this.patchMeter.attach(room);
    this.rtt.start(room, options.isDebug ? DEBUG_PING_INTERVAL_MS : PING_INTERVAL_MS);
    this.listen();
    this.frameRequest = requestAnimationFrame((t) => this.frame(t));
  }

  /** The own player's latest authoritative position (u), as decoded. */
  serverPosition(): { x: number; y: number } | null {
    const player = this.room.state.players.get(this.room.sessionId);
    return player === undefined ? null : { x: player.x / POSITION_SCALE, y: player.y / POSITION_SCALE };
  }

  /** How far predictions were from the server's acknowledged states (see OwnPrediction). */
  predictionError(): PredictionErrorReport | undefined {
    return this.lastError === undefined ? undefined : { ...this.lastError };
  }

  private listen(): void {
    const room = this.room;
    const callbacks = Callbacks.get(room);
    // Kills: the own ones arrive as a `kill` message; others' come with the victim's state, for victims in view.
    const stopWatchingDeaths = new Map<string, () => void>();
    callbacks.onAdd("players", (player, id) => {
      this.players.remember(id, player.name);
      stopWatchingDeaths.get(id)?.();
      stopWatchingDeaths.set(id, callbacks.listen(player, "isAlive", (isAlive, wasAlive) => {
        const ownId = room.sessionId;
        if (wasAlive === true && !isAlive && id !== ownId && player.killedBy !== ownId) this.onKill(player.killedBy, id);
      }, false));
    });
    callbacks.onRemove("players", (_player, id) => {
      stopWatchingDeaths.get(id)?.();
      stopWatchingDeaths.delete(id);
    });
    callbacks.onAdd("projectiles", (projectile, id) => this.projectiles.add(id, projectile));
    callbacks.onRemove("projectiles", (_projectile, id) => this.removedProjectiles.push(id));
    room.onStateChange((state) => {
      this.tickClock.observe(state.tick, room.clock.lastServerTime());
      for (const id of this.removedProjectiles) this.projectiles.remove(id, state.tick);
      this.removedProjectiles.length = 0;
    });
    room.onMessage("kill", (m: { killerId: string; victimId: string }) => this.onKill(m.killerId, m.victimId));
    room.onMessage("dm", (m: { from: string; fromName: string; text: string }) => {
      this.players.remember(m.from, m.fromName);
      this.chat.showDirect({ sessionId: m.from, name: m.fromName }, m.text);
    });
    room.onMessage("announcement", (m: { text: string }) => this.chat.showAnnouncement(m.text));
    // Events shared by every arena (e.g. a score milestone in any room): a line in the chat.
    room.onMessage("feed", (m: { kind?: string; playerName?: string; score?: number; roomId?: string }) => {
      if (m.kind !== "milestone") return;
      const where = m.roomId === room.roomId ? "" : " in another arena";
      this.chat.showInfo(`🏆 ${m.playerName ?? "someone"} reached ${m.score ?? "?"} points${where}`);
    });
    room.onError((code, message) => this.chat.showError(`server error ${code}: ${message ?? ""}`));
    room.onDrop(() => {
      this.controls.releaseAll();
      this.events.dropped();
    });
    room.onReconnect(() => {
      this.pacer.reset();
      this.events.reconnected();
    });
    room.onLeave((code, reason) => this.end(describeLeave(code, reason)));
  }

  private end(message: string | undefined): void {
    if (this.isOver) return;
    this.isOver = true;
    cancelAnimationFrame(this.frameRequest);
    this.rtt.stop();
    this.controls.dispose();
    this.chat.dispose();
    this.own?.dispose();
    this.predict.dispose();
    this.hud.setBanner("");
    this.events.ended(message);
  }

  private frame(nowMs: number): void {
    if (this.isOver) return;
    this.frameRequest = requestAnimationFrame((t) => this.frame(t));
    this.ensureOwnPrediction();
    // Order per the SDK: advance prediction (reconcile, smoothing), then send the
    // inputs due this frame (each is predicted as it is sent), then read positions.
    // The step count predict.tick returns is not used: InputPacer paces, so that a
    // key press can also be sent between frames.
    this.predict.tick(nowMs);
    if (this.own !== undefined && !this.room.reconnection.isReconnecting) this.pacer.pump(nowMs);
    const error = this.own?.measure(nowMs);
    if (error !== undefined) this.lastError = error;
    this.draw();
    this.countFrame(nowMs);
    if (nowMs - this.lastHudMs >= HUD_INTERVAL_MS) {
      this.lastHudMs = nowMs;
      this.updateHud(nowMs);
      if (this.debugPanel !== undefined && error !== undefined) {
        this.debugPanel.update({
          error,
          pendingInputs: this.own?.pendingInputs ?? 0,
          rttSamples: this.rtt.samples,
          ackRttMs: this.room.clock.smoothedRtt(),
          patchSizes: this.patchMeter.sizes,
          patchBytesPerSecond: this.patchMeter.bytesPerSecond(nowMs),
          interpolationDelayMs: this.interpolationDelayMs,
        });
      }
    }
  }

  /** The reconciler is bound to the decoded own-player instance; rebind if a full state replaced it. */
  private ensureOwnPrediction(): void {
    const player = this.room.state.players.get(this.room.sessionId);
    if (player === this.own?.player) return;
    this.own?.dispose();
    this.own = player === undefined ? undefined : new OwnPrediction(this.predict, this.input, player, this.level, this.tickHz);
  }

  private sendInput(): void {
    const intent = this.controls.take();
    const data = this.input.data;
    // The server drops a reliable input whose seq is not above the last one it saw:
    // keep it increasing across reconnections too.
    data.seq = ++this.seq;
    data.moveX = intent.moveX;
    data.moveY = intent.moveY;
    data.aim = intent.aim;
    data.fire = intent.fire;
    this.input.send();
    this.lastSent = { moveX: intent.moveX, moveY: intent.moveY, fire: intent.fire };
  }

  /** A key or click changed what the player wants: send it now rather than at the next tick. */
  private onIntentChange(): void {
    if (this.own === undefined || this.room.reconnection.isReconnecting) return;
    const intent = this.controls.peek();
    const isSame = intent.moveX === this.lastSent.moveX && intent.moveY === this.lastSent.moveY && intent.fire === this.lastSent.fire;
    if (!isSame) this.pacer.sendEarly();
  }

  private draw(): void {
    const own = this.own?.rendered();
    const projectiles = this.tickClock.isSynced ? this.projectiles.at(this.tickClock.tickAt(this.drawnServerMs())) : [];
    const { scene, remotes } = composeFrame({
      state: this.room.state,
      ownId: this.room.sessionId,
      level: this.level.level,
      own,
      ownAim: this.controls.peek().aim,
      drawn: (player, field) => this.predict.value(player, field),
      projectiles,
    });
    drawScene(this.elements.canvas, scene);
    this.snapshot = { frame: this.snapshot.frame + 1, own: own ?? null, remotes, projectiles };
  }

  /**
   * The server time other entities are drawn at: the same instant the SDK's
   * interpolation renders players at (and the server's lag compensation
   * rewinds to), so projectiles and players line up.
   */
  private drawnServerMs(): number {
    const clock = this.room.clock;
    return clock.serverNow() - this.interpolationDelayMs - clock.smoothedRtt() / 2;
  }

  private countFrame(nowMs: number): void {
    this.frameTimes.push(nowMs);
    while (this.frameTimes.length > 0 && nowMs - this.frameTimes[0]! > 1000) this.frameTimes.shift();
  }

  private updateHud(nowMs: number): void {
    const state = this.room.state;
    const ownId = this.room.sessionId;
    const rows: { id: string; name: string; score: number; isOwn: boolean; isConnected: boolean }[] = [];
    state.players.forEach((p: Player, id: string) => {
      this.players.remember(id, p.name);
      rows.push({ id, name: p.name, score: p.score, isOwn: id === ownId, isConnected: p.isConnected });
    });
    this.hud.setScores(rows);
    this.hud.setStats({
      rttMs: this.rtt.lastMs,
      fps: this.frameTimes.length,
      playersInView: Math.max(0, state.players.size - (state.players.has(ownId) ? 1 : 0)),
      tickHz: state.tickHz,
      patchHz: this.patchMeter.patchesPerSecond(nowMs),
    });
    this.hud.expire(nowMs);
    // The kill message may arrive a patch before the state says so: clear the banner on respawn only.
    const isAlive = state.players.get(ownId)?.isAlive ?? true;
    if (isAlive && !this.wasAlive) this.hud.setBanner("");
    this.wasAlive = isAlive;
  }

  private onKill(killerId: string, victimId: string): void {
    const ownId = this.room.sessionId;
    const killer = killerId === ownId ? "you" : this.players.nameOf(killerId);
    const victim = victimId === ownId ? "you" : this.players.nameOf(victimId);
    this.hud.addKill(killer, victim, killerId === ownId || victimId === ownId, performance.now());
    if (victimId === ownId) this.hud.setBanner(`Eliminated by ${killer}. Respawning…`);
  }
}
