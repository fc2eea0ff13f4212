import type { PredictionErrorReport } from "./OwnPrediction.ts";

export interface DebugFrame {
  error: PredictionErrorReport;
  pendingInputs: number;
  /** Ping round trips (ms), oldest first. */
  rttSamples: readonly number[];
  /** The SDK's input-acknowledgement RTT (ms), smoothed. */
  ackRttMs: number;
  /** Recent patch sizes (bytes), oldest first. */
  patchSizes: readonly number[];
  patchBytesPerSecond: number;
  interpolationDelayMs: number;
}

/**
 * The `?debug` panel: prediction error, an RTT graph and patch sizes.
 * Redrawn a few times a second, not every frame.
 */
export class DebugPanel {
  private readonly text: HTMLElement;
  private readonly rttGraph: HTMLCanvasElement;
  private readonly patchGraph: HTMLCanvasElement;

  constructor(root: HTMLElement) {
    root.hidden = false;
    this.text = document.createElement("pre");
    this.rttGraph = graphCanvas("RTT (ms)");
    this.patchGraph = graphCanvas("patch size (bytes)");
    root.replaceChildren(this.text, caption("RTT, ping (ms)"), this.rttGraph, caption("patch sizes (bytes)"), this.patchGraph);
  }

  update(f: DebugFrame): void {
    const sizes = f.patchSizes;
    const avg = sizes.length === 0 ? 0 : sizes.reduce((a, b) => a + b, 0) / sizes.length;
    this.text.textContent = [
      `prediction error  last ${f.error.lastUnits.toFixed(3)} u  max(5 s) ${f.error.maxUnits.toFixed(3)} u`,
      `mispredicted acks ${f.error.mispredictions} / ${f.error.samples}`,
      `pending inputs    ${f.pendingInputs}`,
      `rtt ping ${fmt(f.rttSamples.at(-1))} ms   input ack ${Math.round(f.ackRttMs)} ms`,
      `interp delay      ${Math.round(f.interpolationDelayMs)} ms`,
      `patch last ${sizes.at(-1) ?? 0} B  avg ${avg.toFixed(1)} B  ${(f.patchBytesPerSecond / 1024).toFixed(2)} KiB/s`,
    ].join("\n");
    drawSeries(this.rttGraph, f.rttSamples, "#4cc9f0", "line");
    drawSeries(this.patchGraph, sizes, "#ffd166", "bars");
  }
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? "-" : String(Math.round(ms));
}

function caption(text: string): HTMLElement {
  const el = document.createElement("div");
  el.className = "debug-caption";
  el.textContent = text;
  return el;
}

function graphCanvas(label: string): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = 240;
  canvas.height = 48;
  canvas.setAttribute("aria-label", label);
  return canvas;
}

/** A tiny auto-scaled graph; the max is written in the corner. */
function drawSeries(canvas: HTMLCanvasElement, values: readonly number[], colour: string, style: "line" | "bars"): void {
  const ctx = canvas.getContext("2d");
  if (ctx === null) return;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = "rgba(255,255,255,0.06)";
  ctx.fillRect(0, 0, width, height);
  if (values.length === 0) return;
  const max = Math.max(1, ...values);
  const step = width / Math.max(1, values.length - 1);
  ctx.strokeStyle = colour;
  ctx.fillStyle = colour;
  if (style === "bars") {
    const w = Math.max(1, width / values.length - 1);
    values.forEach((v, i) => ctx.fillRect(i * (width / values.length), height - (v / max) * (height - 12), w, (v / max) * (height - 12)));
  } else {
    ctx.beginPath();
    values.forEach((v, i) => {
      const x = i * step;
      const y = height - (v / max) * (height - 12);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
  ctx.fillStyle = "#c9d4df";
  ctx.font = "10px ui-monospace, monospace";
  ctx.fillText(`max ${Math.round(max)}`, 4, 10);
}
