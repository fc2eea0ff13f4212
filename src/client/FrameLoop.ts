import { Predict, type InputHandle } from "@colyseus/sdk";
import type { ArenaState, PlayerInput } from "../../rooms/schema/ArenaState.ts";
import { POSITION_SCALE } from "../sim/constants.ts";
import { ARENA_LEVEL, indexLevel } from "../sim/level.ts";
import { composeFrame, type RemoteSnapshot } from "./composeFrame.ts";
import { drawScene } from "./drawArena.ts";
import type { ArenaRoom } from "./joinArena.ts";
import { OwnPrediction, TELEPORT_UNITS, type PredictionErrorReport } from "./OwnPrediction.ts";
import { ProjectileTimeline } from "./ProjectileTimeline.ts";
import type { DrawnProjectile } from "./ProjectileTracker.ts";

/** Other entities are drawn this many patch intervals in the past, so one late patch never stalls them. */
const INTERPOLATION_PATCHES = 2;
/** Used until the server advertises its patch interval in the input handshake. */
const DEFAULT_PATCH_MS = 50;

/** What the last frame drew, for the debug hook. */
export interface FrameSnapshot {
  frame: number;
  own: { x: number; y: number } | null;
  remotes: Map<string, RemoteSnapshot>;
  projectiles: DrawnProjectile[];
}

/** Handed to the frame's listener after each frame is drawn. */
export interface FrameReport {
  nowMs: number;
  /** This frame's prediction error report; undefined while there is no own player. */
  error: PredictionErrorReport | undefined;
  /** Inputs sent but not yet acknowledged. */
  pendingInputs: number;
}

/** What the loop needs from whoever sends the inputs. */
export interface FrameInputs {
  /** Sends the inputs due by `nowMs`. */
  pump(nowMs: number): void;
  /** The live aim (radians) to draw the own gun at. */
  aim(): number;
}

/**
 * The per-animation-frame work: advances the own player's prediction, sends
 * the inputs due, interpolates the other players (the SDK's Predict, drawn
 * INTERPOLATION_PATCHES behind) and the projectiles at the same instant, and
 * draws the scene.
 */
export class FrameLoop {
  /** How far in the past (ms) other entities are drawn. */
  readonly interpolationDelayMs: number;
  /** Drawn by the latest frame; read by the debug hook. */
  snapshot: FrameSnapshot = { frame: 0, own: null, remotes: new Map(), projectiles: [] };

  private readonly room: ArenaRoom;
  private readonly canvas: HTMLCanvasElement;
  private readonly input: InputHandle<PlayerInput>;
  private readonly inputs: FrameInputs;
  private readonly onFrame: (report: FrameReport) => void;
  private readonly level = indexLevel(ARENA_LEVEL);
  private readonly predict: Predict<ArenaState>;
  private readonly projectiles: ProjectileTimeline;
  private own: OwnPrediction | undefined;
  private lastError: PredictionErrorReport | undefined;
  private frameRequest = 0;
  private isStopped = false;

  constructor(room: ArenaRoom, input: InputHandle<PlayerInput>, canvas: HTMLCanvasElement, inputs: FrameInputs, onFrame: (report: FrameReport) => void) {
    this.room = room;
    this.input = input;
    this.canvas = canvas;
    this.inputs = inputs;
    this.onFrame = onFrame;
    this.interpolationDelayMs = INTERPOLATION_PATCHES * (input.patchRate ?? DEFAULT_PATCH_MS);
    // Remote players are interpolated between patches, drawn INTERPOLATION_PATCHES
    // intervals behind; OwnPrediction's reconciler overlays the own player's fields.
    this.predict = Predict.get(room, { mode: "lerp", delay: this.interpolationDelayMs, name: "arena" });
    const position = { mode: "lerp", delay: this.interpolationDelayMs, snap: TELEPORT_UNITS * POSITION_SCALE } as const;
    this.predict.attachAll("players", { x: position, y: position, aim: { mode: "lerp", delay: this.interpolationDelayMs, angle: true } });
    this.projectiles = new ProjectileTimeline(room);
  }

  /** Whether the own player exists to predict (inputs wait until it does). */
  get hasOwnPlayer(): boolean {
    return this.own !== undefined;
  }

  /** How far predictions were from the server's acknowledged states (see OwnPrediction). */
  predictionError(): PredictionErrorReport | undefined {
    return this.lastError === undefined ? undefined : { ...this.lastError };
  }

  start(): void {
    this.frameRequest = requestAnimationFrame((t) => this.frame(t));
  }

  stop(): void {
    this.isStopped = true;
    cancelAnimationFrame(this.frameRequest);
    this.own?.dispose();
    this.predict.dispose();
  }

  private frame(nowMs: number): void {
    if (this.isStopped) return;
    this.frameRequest = requestAnimationFrame((t) => this.frame(t));
    this.ensureOwnPrediction();
    // Order per the SDK: advance prediction (reconcile, smoothing), then send the
    // inputs due this frame (each is predicted as it is sent), then read positions.
    // The step count predict.tick returns is not used: InputPacer paces, so that a
    // key press can also be sent between frames.
    this.predict.tick(nowMs);
    this.inputs.pump(nowMs);
    const error = this.own?.measure(nowMs);
    if (error !== undefined) this.lastError = error;
    this.draw();
    this.onFrame({ nowMs, error, pendingInputs: this.own?.pendingInputs ?? 0 });
  }

  /** The reconciler is bound to the decoded own-player instance; rebind if a full state replaced it. */
  private ensureOwnPrediction(): void {
    const player = this.room.state.players.get(this.room.sessionId);
    if (player === this.own?.player) return;
    this.own?.dispose();
    this.own = player === undefined ? undefined : new OwnPrediction(this.predict, this.input, player, this.level, this.room.state.tickHz);
  }

  private draw(): void {
    const own = this.own?.rendered();
    const projectiles = this.projectiles.at(this.drawnServerMs());
    const { scene, remotes } = composeFrame({
      state: this.room.state,
      ownId: this.room.sessionId,
      level: this.level.level,
      own,
      ownAim: this.inputs.aim(),
      drawn: (player, field) => this.predict.value(player, field),
      projectiles,
    });
    drawScene(this.canvas, scene);
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
}
