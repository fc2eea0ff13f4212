/**
 * Live progress on stderr: one line rewritten in place on a terminal, one
 * line per update otherwise (CI logs, pipes), so stdout stays the report.
 */
import type { LoadController } from "./controller.ts";

export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly controller: LoadController;
  private readonly isTty: boolean;
  private hasOpenLine = false;
  private last = { atMs: performance.now(), bytesDown: 0, bytesUp: 0, patches: 0 };
  /** Shown in brackets at the start of the line; a function for phases that count time. */
  phase: string | (() => string) = "starting";
  target = 0;

  constructor(stream: NodeJS.WriteStream, controller: LoadController) {
    this.stream = stream;
    this.controller = controller;
    this.isTty = stream.isTTY === true;
  }

  /** Prints the current state with rates since the previous call. */
  tick(): void {
    const run = this.controller.run;
    const now = performance.now();
    const seconds = Math.max(0.001, (now - this.last.atMs) / 1000);
    const rate = (total: number, before: number) => (total - before) / seconds;
    const kb = (bytes: number) => (bytes / 1024).toFixed(1);
    const rttP50 = run.rtt.percentile(50);
    const rttP99 = run.rtt.percentile(99);
    const rtt = Number.isNaN(rttP50) ? "-" : `${rttP50.toFixed(1)}/${rttP99.toFixed(1)} ms`;
    const phase = typeof this.phase === "string" ? this.phase : this.phase();
    const line = `[${phase}] connected ${this.controller.connected}/${this.target}`
      + ` joining ${this.controller.joining} failed ${run.failed}`
      + ` | ${Math.round(rate(run.patches, this.last.patches))} patches/s`
      + ` | down ${kb(rate(run.bytesDown, this.last.bytesDown))} KB/s up ${kb(rate(run.bytesUp, this.last.bytesUp))} KB/s`
      + ` | rtt p50/p99 ${rtt}`;
    this.last = { atMs: now, bytesDown: run.bytesDown, bytesUp: run.bytesUp, patches: run.patches };
    if (this.isTty) {
      const width = this.stream.columns ?? 200;
      this.stream.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
      this.hasOpenLine = true;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  /** Ends the in-place line so what follows starts on its own line. */
  finish(): void {
    if (this.hasOpenLine) this.stream.write("\n");
    this.hasOpenLine = false;
  }

  /** A message on its own line (e.g. a capacity step's verdict). */
  note(message: string): void {
    this.finish();
    this.stream.write(`${message}\n`);
  }
}
