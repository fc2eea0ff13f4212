import { Callbacks, Predict, type InputHandle } from "@colyseus/sdk";
import type { ArenaState, Player, PlayerInput } from "../../rooms/schema/ArenaState.ts";
import { POSITION_SCALE, PROJECTILE_TTL_MS, ticksFor } from "../sim/constants.ts";
import { ARENA_LEVEL, indexLevel } from "../sim/level.ts";
import { ChatBox } from "./ChatBox.ts";
import type { Recipient } from "./chatCommand.ts";
import { Controls } from "./Controls.ts";
import { DebugPanel } from "./DebugPanel.ts";
import { drawScene, type PlayerSprite } from "./drawArena.ts";
import { Hud } from "./Hud.ts";
import { InputPacer } from "./InputPacer.ts";
import type { ArenaRoom } from "./joinArena.ts";
import { describeLeave } from "./leaveReason.ts";
import { OwnPrediction, type PredictionErrorReport } from "./OwnPrediction.ts";
import { PatchMeter } from "./PatchMeter.ts";
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

export interface RemoteSnapshot {
  name: string;
  /** Units, as drawn (interpolated). */
  x: number;
  y: number;
  hp: number;
  score: number;
  isAlive: boolean;
  isConnected: boolean;
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
  /** Names of every player seen (in view, in a DM or the kill feed), by session id. */
  private readonly names = new Map<string, string>();
  /** Projectiles the last patch removed; stamped with that patch's tick once it is fully applied. */
  private readonly removedProjectiles: string[] = [];
  private own: OwnPrediction | undefined;
  private seq = 0;
  private lastSent = { moveX: 0, moveY: 0, fire: false };
  private frameRequest = 0;
  private frameTimes: number[] = [];
  private lastHudMs = Number.NEGATIVE_INFINITY;
  private isOver = false;
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
    this.controls = new Controls(elements.canvas, () => this.onIntentChange());
    this.chat = new ChatBox(elements.chatLog, elements.chatForm, elements.chatInput, {
      recipients: () => this.recipients(),
      sendDirect: (to, text) => this.sendDirect(to, text),
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

  /** Leaves the room on purpose (no "disconnected" screen). */
  async leave(): Promise<void> {
    await this.room.leave(true);
  }

  private listen(): void {
    const room = this.room;
    const callbacks = Callbacks.get(room);
    callbacks.onAdd("players", (player, id) => this.names.set(id, player.name));
    callbacks.onAdd("projectiles", (projectile, id) => this.projectiles.add(id, projectile));
    callbacks.onRemove("projectiles", (_projectile, id) => this.removedProjectiles.push(id));
    room.onStateChange((state) => {
      this.tickClock.observe(state.tick, room.clock.lastServerTime());
      for (const id of this.removedProjectiles) this.projectiles.remove(id, state.tick);
      this.removedProjectiles.length = 0;
    });
    room.onMessage("kill", (m: { killerId: string; victimId: string }) => this.onKill(m.killerId, m.victimId));
    room.onMessage("dm", (m: { from: string; fromName: string; text: string }) => {
      this.names.set(m.from, m.fromName);
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
    this.hud.setBanner("");
    this.events.ended(message);
  }

  private frame(nowMs: number): void {
    if (this.isOver) return;
    this.frameRequest = requestAnimationFrame((t) => this.frame(t));
    this.ensureOwnPrediction();
    // Order per the SDK: advance prediction (reconcile, smoothing), then send the
    // inputs due this frame (each is predicted as it is sent), then read positions.
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
    if (!isSame) this.pacer.sendEarly(performance.now());
  }

  private draw(): void {
    const state = this.room.state;
    const ownId = this.room.sessionId;
    const sprites: PlayerSprite[] = [];
    const remotes = new Map<string, RemoteSnapshot>();
    let centre = { x: this.level.level.widthUnits / 2, y: this.level.level.heightUnits / 2 };
    let own: { x: number; y: number } | null = null;
    state.players.forEach((player: Player, id: string) => {
      if (id === ownId) {
        if (this.own === undefined) return;
        own = this.own.rendered();
        centre = own;
        if (!player.isAlive) return;
        sprites.push({ ...this.spriteOf(id, player), ...own, aim: this.controls.peek().aim, isOwn: true });
        return;
      }
      const sprite = this.spriteOf(id, player);
      remotes.set(id, {
        name: player.name, x: sprite.x, y: sprite.y, hp: player.hp, score: player.score,
        isAlive: player.isAlive, isConnected: player.isConnected,
      });
      if (player.isAlive) sprites.push(sprite);
    });
    const projectiles = this.tickClock.isSynced ? this.projectiles.at(this.tickClock.tickAt(this.drawnServerMs())) : [];
    drawScene(this.elements.canvas, { centre, level: this.level.level, players: sprites, projectiles, ownId });
    this.snapshot = { frame: this.snapshot.frame + 1, own, remotes, projectiles };
  }

  private spriteOf(id: string, player: Player): PlayerSprite {
    return {
      id,
      name: player.name,
      x: this.predict.value(player, "x") / POSITION_SCALE,
      y: this.predict.value(player, "y") / POSITION_SCALE,
      aim: this.predict.value(player, "aim"),
      hp: player.hp,
      isConnected: player.isConnected,
      isOwn: false,
    };
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
      this.names.set(id, p.name);
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
    const me = state.players.get(ownId);
    if (me !== undefined && me.isAlive) this.hud.setBanner("");
  }

  private onKill(killerId: string, victimId: string): void {
    const ownId = this.room.sessionId;
    const killer = killerId === ownId ? "you" : this.nameOf(killerId);
    const victim = victimId === ownId ? "you" : this.nameOf(victimId);
    this.hud.addKill(killer, victim, killerId === ownId || victimId === ownId, performance.now());
    if (victimId === ownId) this.hud.setBanner(`Eliminated by ${killer}. Respawning…`);
  }

  private nameOf(id: string): string {
    return this.names.get(id) ?? `player-${id.slice(0, 4)}`;
  }

  private recipients(): Recipient[] {
    const ownId = this.room.sessionId;
    return [...this.names].filter(([id]) => id !== ownId).map(([sessionId, name]) => ({ sessionId, name }));
  }

  private async sendDirect(to: Recipient, text: string): Promise<void> {
    let reply: unknown;
    try {
      reply = await this.room.request("dm", { to: to.sessionId, text }, { timeout: DM_TIMEOUT_MS });
    } catch (error) {
      // A refusal carries the server's reason ("not online"); a failure its message.
      const reason = (error as { reason?: unknown }).reason;
      throw new Error(typeof reason === "string" ? reason : error instanceof Error ? error.message : String(error));
    }
    if ((reply as { delivered?: unknown } | undefined)?.delivered !== true) throw new Error("not delivered");
  }
}
