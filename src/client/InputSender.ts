import type { InputHandle } from "@colyseus/sdk";
import type { PlayerInput } from "../../rooms/schema/ArenaState.ts";
import { FIRE_COOLDOWN_MS, ticksFor } from "../sim/constants.ts";
import { Controls } from "./Controls.ts";
import { InputPacer } from "./InputPacer.ts";

/**
 * Sends what the player wants (keyboard and mouse, through Controls) as
 * inputs: one per simulation tick on the frame clock, and at once, between
 * frames, when a key or click changes it (see InputPacer).
 */
export class InputSender {
  private readonly input: InputHandle<PlayerInput>;
  private readonly controls: Controls;
  private readonly pacer: InputPacer;
  private readonly canSend: () => boolean;
  private seq = 0;
  private lastSent = { moveX: 0, moveY: 0, fire: false };

  /** Nothing is sent while `canSend` says no (no own player to predict yet, or reconnecting). */
  constructor(input: InputHandle<PlayerInput>, canvas: HTMLCanvasElement, tickHz: number, canSend: () => boolean) {
    this.input = input;
    this.canSend = canSend;
    this.pacer = new InputPacer(1000 / tickHz, () => this.send());
    // A click holds fire for just under the cooldown: fires as soon as allowed, never twice.
    const clickFireInputs = ticksFor(FIRE_COOLDOWN_MS, tickHz) - 1;
    this.controls = new Controls(canvas, clickFireInputs, () => this.onIntentChange());
  }

  /** Once per frame, after the prediction advanced: sends the inputs due by `nowMs` (each is predicted as it is sent). */
  pump(nowMs: number): void {
    if (this.canSend()) this.pacer.pump(nowMs);
  }

  /** The live mouse aim (radians): the own gun is drawn following it, not the server. */
  aim(): number {
    return this.controls.peek().aim;
  }

  /** The connection dropped: nothing held now counts as held once it is back. */
  releaseAll(): void {
    this.controls.releaseAll();
  }

  /** Reconnected: the next pump starts a fresh schedule. */
  restart(): void {
    this.pacer.reset();
  }

  dispose(): void {
    this.controls.dispose();
  }

  private send(): void {
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
    if (!this.canSend()) return;
    const intent = this.controls.peek();
    const isSame = intent.moveX === this.lastSent.moveX && intent.moveY === this.lastSent.moveY && intent.fire === this.lastSent.fire;
    if (!isSame) this.pacer.sendEarly();
  }
}
