import type { InputHandle, Predict, Reconciler } from "@colyseus/sdk";
import type { Player, PlayerInput } from "../../rooms/schema/ArenaState.ts";
import { POSITION_SCALE } from "../sim/constants.ts";
import type { LevelIndex } from "../sim/level.ts";
import { stepWireBody, type WireBody } from "./wireMovement.ts";

/** A jump larger than this (u) is a respawn, not motion or a misprediction: drawn as a cut, not a glide. */
export const TELEPORT_UNITS = 4;
/** Prediction errors are reported as the worst within this window. */
const ERROR_WINDOW_MS = 5_000;
/** Seqs of predicted positions kept to compare with the server's acknowledged state. */
const HISTORY_SIZE = 256;

export interface PredictionErrorReport {
  /** Distance (u) between the prediction for the last acknowledged input and the server's state after it. */
  lastUnits: number;
  /** Worst such distance within the last ERROR_WINDOW_MS. */
  maxUnits: number;
  /** Acknowledgements compared so far. */
  samples: number;
  /** Acknowledgements whose state differed from the prediction at all. */
  mispredictions: number;
}

/**
 * Client-side prediction of the own player, on the SDK's Reconciler: each
 * input sent through `input` is stepped at once with the server's own
 * movement step (`src/sim`, via stepWireBody); when the server acknowledges
 * an input, its state is compared with the prediction for that input and,
 * if they differ, adopted and the unacknowledged inputs replayed on top,
 * the difference fading out over a patch interval.
 *
 * Also measures the prediction error the reconciler corrected, per ack.
 */
export class OwnPrediction {
  readonly player: Player;
  private readonly input: InputHandle<PlayerInput>;
  private readonly reconciler: Reconciler<Player>;
  private readonly historyX = new Float64Array(HISTORY_SIZE);
  private readonly historyY = new Float64Array(HISTORY_SIZE);
  private readonly historySeq = new Float64Array(HISTORY_SIZE).fill(-1);
  private lastAck = 0;
  private epoch: number;
  private readonly recent: { atMs: number; units: number }[] = [];
  private readonly report: PredictionErrorReport = { lastUnits: 0, maxUnits: 0, samples: 0, mispredictions: 0 };

  constructor(predict: Predict, input: InputHandle<PlayerInput>, player: Player, level: LevelIndex, tickHz: number) {
    this.player = player;
    this.input = input;
    this.epoch = input.epoch;
    this.lastAck = input.lastProcessed;
    this.reconciler = predict.reconciler(player, {
      input,
      fields: ["x", "y", "vx", "vy"],
      // The server steps with world.dt = 1 / tickHz: use the very same expression.
      stepSeconds: 1 / tickHz,
      stepMs: 1000 / tickHz,
      snap: TELEPORT_UNITS * POSITION_SCALE,
      step: (ctx, state, command) => {
        // The server ignores a dead player's inputs (they are still acknowledged).
        if (player.isAlive) stepWireBody(state as WireBody, command, ctx.dt, level);
        this.remember(ctx.tick, state as WireBody);
      },
    });
  }

  /** Where to draw the own player (u): interpolated between steps plus the fading correction. */
  rendered(): { x: number; y: number } {
    return { x: this.reconciler.value("x") / POSITION_SCALE, y: this.reconciler.value("y") / POSITION_SCALE };
  }

  /** The exact predicted position (u) after the newest input sent. */
  predicted(): { x: number; y: number } {
    const state = this.reconciler.state as WireBody;
    return { x: state.x / POSITION_SCALE, y: state.y / POSITION_SCALE };
  }

  /** Inputs sent but not yet acknowledged. */
  get pendingInputs(): number {
    return this.input.pendingCount;
  }

  /** Compares a newly acknowledged input's prediction with the server state; call once per frame. */
  measure(nowMs: number): PredictionErrorReport {
    if (this.input.epoch !== this.epoch) {
      // Reconnected: the seqs restarted, the history describes a dead sequence.
      this.epoch = this.input.epoch;
      this.historySeq.fill(-1);
      this.lastAck = this.input.lastProcessed;
    }
    const acked = this.input.lastProcessed;
    if (acked > this.lastAck) {
      this.lastAck = acked;
      const slot = acked % HISTORY_SIZE;
      if (this.historySeq[slot] === acked) {
        const units = Math.hypot(this.historyX[slot]! - this.player.x, this.historyY[slot]! - this.player.y) / POSITION_SCALE;
        if (units <= TELEPORT_UNITS) this.record(nowMs, units);
      }
    }
    while (this.recent.length > 0 && nowMs - this.recent[0]!.atMs > ERROR_WINDOW_MS) this.recent.shift();
    this.report.maxUnits = this.recent.reduce((max, s) => Math.max(max, s.units), 0);
    return this.report;
  }

  dispose(): void {
    this.reconciler.dispose();
  }

  private record(nowMs: number, units: number): void {
    this.recent.push({ atMs: nowMs, units });
    this.report.lastUnits = units;
    this.report.samples++;
    if (units > 0) this.report.mispredictions++;
  }

  private remember(seq: number, state: WireBody): void {
    const slot = seq % HISTORY_SIZE;
    this.historySeq[slot] = seq;
    this.historyX[slot] = state.x;
    this.historyY[slot] = state.y;
  }
}
