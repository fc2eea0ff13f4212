import { isFormField, listen } from "./dom.ts";

/** What the player asks for this tick: movement axes in {-1, 0, 1}, aim in radians, fire. */
export interface Intent {
  moveX: number;
  moveY: number;
  aim: number;
  fire: boolean;
}

const MOVE_KEYS: Record<string, readonly [axis: "x" | "y", sign: -1 | 1]> = {
  KeyW: ["y", -1], ArrowUp: ["y", -1],
  KeyS: ["y", 1], ArrowDown: ["y", 1],
  KeyA: ["x", -1], ArrowLeft: ["x", -1],
  KeyD: ["x", 1], ArrowRight: ["x", 1],
};

/**
 * Keyboard and mouse -> intent. WASD/arrows move, the mouse aims (relative
 * to the canvas centre, where the own player is drawn), click or space fires.
 * Keys typed into form fields (chat, name) are not game input.
 *
 * A click (or a tap of space) keeps `fire` set for the next `clickFireInputs`
 * inputs: one shorter than a tick would otherwise be missed, and one during
 * the weapon's cooldown would be refused by the server and lost. Kept under
 * the cooldown's length in ticks, so one click never fires twice.
 */
export class Controls {
  private readonly canvas: HTMLCanvasElement;
  private readonly onIntentChange: () => void;
  private readonly held = new Set<string>();
  private isMouseDown = false;
  /** Inputs that still carry a click's fire. */
  private latchedFireInputs = 0;
  private readonly clickFireInputs: number;
  private mouseX = 0;
  private mouseY = 0;
  private hasMouse = false;
  private lastAim = 0;
  private readonly detach: () => void;

  /** `onIntentChange` runs inside the input event, so a new intent can be sent before the next frame. */
  constructor(canvas: HTMLCanvasElement, clickFireInputs: number, onIntentChange: () => void) {
    this.canvas = canvas;
    this.clickFireInputs = Math.max(1, clickFireInputs);
    this.onIntentChange = onIntentChange;
    const removers = [
      listen(window, "keydown", (e) => this.key(e, true)),
      listen(window, "keyup", (e) => this.key(e, false)),
      listen(window, "mousemove", (e) => this.pointAt(e)),
      listen(canvas, "mousedown", (e) => {
        if (e.button !== 0) return;
        this.pointAt(e);
        this.isMouseDown = true;
        this.latchedFireInputs = this.clickFireInputs;
        this.onIntentChange();
      }),
      listen(window, "mouseup", (e) => {
        if (e.button === 0) this.isMouseDown = false;
      }),
      listen(window, "blur", () => this.releaseAll()),
    ];
    this.detach = () => {
      for (const remove of removers) remove();
    };
  }

  /** The intent for the input about to be sent; counts down a click's fire. */
  take(): Intent {
    const intent = this.peek();
    if (this.latchedFireInputs > 0) this.latchedFireInputs--;
    return intent;
  }

  /** The current intent without consuming anything. */
  peek(): Intent {
    let moveX = 0;
    let moveY = 0;
    for (const code of this.held) {
      const binding = MOVE_KEYS[code];
      if (binding === undefined) continue;
      if (binding[0] === "x") moveX += binding[1];
      else moveY += binding[1];
    }
    return {
      moveX: Math.sign(moveX),
      moveY: Math.sign(moveY),
      aim: this.aim(),
      fire: this.isMouseDown || this.latchedFireInputs > 0 || this.held.has("Space"),
    };
  }

  releaseAll(): void {
    this.held.clear();
    this.isMouseDown = false;
    this.latchedFireInputs = 0;
  }

  dispose(): void {
    this.detach();
    this.releaseAll();
  }

  private key(e: KeyboardEvent, isDown: boolean): void {
    if (isFormField(e.target)) return;
    const isGameKey = e.code in MOVE_KEYS || e.code === "Space";
    if (!isGameKey) return;
    e.preventDefault(); // arrows and space would scroll the page
    if (isDown === this.held.has(e.code)) return; // auto-repeat
    if (isDown) this.held.add(e.code);
    else this.held.delete(e.code);
    if (isDown && e.code === "Space") this.latchedFireInputs = this.clickFireInputs;
    this.onIntentChange();
  }

  private pointAt(e: MouseEvent): void {
    const rect = this.canvas.getBoundingClientRect();
    this.mouseX = e.clientX - rect.left;
    this.mouseY = e.clientY - rect.top;
    this.hasMouse = true;
  }

  private aim(): number {
    if (!this.hasMouse) return this.lastAim;
    const rect = this.canvas.getBoundingClientRect();
    const dx = this.mouseX - rect.width / 2;
    const dy = this.mouseY - rect.height / 2;
    if (dx !== 0 || dy !== 0) this.lastAim = Math.atan2(dy, dx);
    return this.lastAim;
  }
}
