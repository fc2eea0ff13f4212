/**
 * What the bots measure, and how the main thread adds it up. Each worker
 * keeps one `BotCounters` for all its bots and sends it as a `WorkerReport`
 * (deltas since its previous report) twice a second; the main thread adds
 * every report into each open `Aggregate` (the whole run, the current
 * measurement window, a capacity step...).
 */
import type { RoundTripSink } from "./frame.ts";
import { Histogram } from "./histogram.ts";
import { JoinFailureTally } from "./joinFailures.ts";

/** Error messages kept per aggregate: enough to say what went wrong, bounded for huge failing runs. */
const MAX_ERROR_SAMPLES = 5;

/** What a worker's counters and an aggregate both keep, over their own spans. */
class BotTotals {
  joined = 0;
  failed = 0;
  joinMs: number[] = [];
  bytesDown = 0;
  bytesUp = 0;
  patches = 0;
  inputsSent = 0;
  inputsAcked = 0;
  /** Errors raised by a joined room (SDK onError), not counting failed joins or disconnects. */
  roomErrors = 0;
  errorSamples: string[] = [];
  /** Input sent -> acknowledged, probe bots only, ms. */
  readonly rtt = new Histogram();
  /** Arrival gap between consecutive state patches of one bot, ms. */
  readonly patchInterval = new Histogram();
  /** How late the worker's input scheduler fired, ms: the generator's own saturation signal. */
  readonly tickLag = new Histogram();

  noteError(message: string): void {
    if (this.errorSamples.length < MAX_ERROR_SAMPLES && !this.errorSamples.includes(message)) this.errorSamples.push(message);
  }
}

/** Mutable per-worker counters the bots write into; reset after each report. */
export class BotCounters extends BotTotals implements RoundTripSink {
  /** Unexpected closes of joined bots, by close code. */
  readonly disconnects = new Map<number, number>();
  /** Failed joins by reason (joinFailures.ts). */
  readonly joinFailures = new Map<string, number>();

  noteJoinFailure(reason: string): void {
    this.failed++;
    this.joinFailures.set(reason, (this.joinFailures.get(reason) ?? 0) + 1);
    this.noteError(`join failed: ${reason}`);
  }

  noteDisconnect(code: number): void {
    this.disconnects.set(code, (this.disconnects.get(code) ?? 0) + 1);
  }

  /** An input's round trip (the bots give only their probes' here). */
  roundTrip(ms: number): void {
    this.rtt.record(ms);
  }

  /** The deltas since the previous call, then starts counting afresh. */
  drain(workerId: number, gauges: { connected: number; joining: number; tickHz: number }, botSeconds: number): WorkerReport {
    const report: WorkerReport = {
      type: "report",
      workerId,
      connected: gauges.connected,
      joining: gauges.joining,
      tickHz: gauges.tickHz,
      botSeconds,
      joined: this.joined,
      failed: this.failed,
      joinMs: this.joinMs,
      bytesDown: this.bytesDown,
      bytesUp: this.bytesUp,
      patches: this.patches,
      inputsSent: this.inputsSent,
      inputsAcked: this.inputsAcked,
      roomErrors: this.roomErrors,
      disconnects: Object.fromEntries(this.disconnects),
      joinFailures: Object.fromEntries(this.joinFailures),
      errorSamples: this.errorSamples,
      rtt: this.rtt.counts.slice(),
      patchInterval: this.patchInterval.counts.slice(),
      tickLag: this.tickLag.counts.slice(),
    };
    this.joined = this.failed = this.bytesDown = this.bytesUp = this.patches = 0;
    this.inputsSent = this.inputsAcked = this.roomErrors = 0;
    this.joinMs = [];
    this.errorSamples = [];
    this.disconnects.clear();
    this.joinFailures.clear();
    this.rtt.reset();
    this.patchInterval.reset();
    this.tickLag.reset();
    return report;
  }
}

/** A worker's deltas since its previous report, plus its current gauges. Structured-clone safe. */
export interface WorkerReport {
  type: "report";
  workerId: number;
  connected: number;
  joining: number;
  /** The rate this worker sends inputs at (the room's advertised tick rate). */
  tickHz: number;
  /** Sum over this report's interval of connected bots x seconds: the denominator of per-bot rates. */
  botSeconds: number;
  joined: number;
  failed: number;
  joinMs: number[];
  bytesDown: number;
  bytesUp: number;
  patches: number;
  inputsSent: number;
  inputsAcked: number;
  roomErrors: number;
  disconnects: Record<string, number>;
  joinFailures: Record<string, number>;
  errorSamples: string[];
  rtt: Uint32Array;
  patchInterval: Uint32Array;
  tickLag: Uint32Array;
}

/**
 * Totals of every report received while it was open, and the generator's
 * CPU over the same wall time (process.cpuUsage covers every worker thread).
 */
export class Aggregate extends BotTotals {
  botSeconds = 0;
  disconnects: Record<string, number> = {};
  readonly joinFailures = new JoinFailureTally();

  private readonly openedAtMs = performance.now();
  private readonly cpuAtOpen = process.cpuUsage();
  private closedAtMs: number | undefined;
  private cpuMicros: number | undefined;

  add(report: WorkerReport): void {
    this.joined += report.joined;
    this.failed += report.failed;
    for (const ms of report.joinMs) this.joinMs.push(ms);
    this.bytesDown += report.bytesDown;
    this.bytesUp += report.bytesUp;
    this.patches += report.patches;
    this.inputsSent += report.inputsSent;
    this.inputsAcked += report.inputsAcked;
    this.roomErrors += report.roomErrors;
    this.botSeconds += report.botSeconds;
    for (const [code, count] of Object.entries(report.disconnects)) this.disconnects[code] = (this.disconnects[code] ?? 0) + count;
    this.joinFailures.addAll(report.joinFailures);
    for (const message of report.errorSamples) this.noteError(message);
    this.rtt.merge(report.rtt);
    this.patchInterval.merge(report.patchInterval);
    this.tickLag.merge(report.tickLag);
  }

  /** Freezes wall time and CPU; later reports are still added if the caller keeps feeding it. */
  close(): this {
    if (this.closedAtMs === undefined) {
      this.closedAtMs = performance.now();
      const cpu = process.cpuUsage(this.cpuAtOpen);
      this.cpuMicros = cpu.user + cpu.system;
    }
    return this;
  }

  get disconnectCount(): number {
    return Object.values(this.disconnects).reduce((sum, n) => sum + n, 0);
  }

  /** Failed joins + unexpected disconnects + errors raised by joined rooms. */
  get errors(): number {
    return this.failed + this.disconnectCount + this.roomErrors;
  }

  /** Seconds from open to close (or to now while open). */
  get wallS(): number {
    return ((this.closedAtMs ?? performance.now()) - this.openedAtMs) / 1000;
  }

  /** Generator CPU over the open period, in % of one core (200 = two cores busy). */
  get cpuPct(): number {
    const micros = this.cpuMicros ?? (() => {
      const cpu = process.cpuUsage(this.cpuAtOpen);
      return cpu.user + cpu.system;
    })();
    const wallMs = this.wallS * 1000;
    return wallMs > 0 ? (micros / 1000 / wallMs) * 100 : Number.NaN;
  }
}
