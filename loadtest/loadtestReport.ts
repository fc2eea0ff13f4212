/**
 * The run's report: the JSON written by `--json` and the table printed at the
 * end. Latencies are in ms rounded to 0.1 ms, rates in bytes per connected bot
 * per second; a value that could not be measured is null (and fails any SLO
 * clause on it).
 */
import type { Aggregate } from "./loadtestMetrics.ts";
import { evaluateSlo, type SloClause, type SloValues, type SloVerdict } from "./slo.ts";
import { formatTable, percentile } from "./stats.ts";

type Measured = number | null;

export interface LoadReport {
  bots: number;
  joined: number;
  failed: number;
  /** Seconds at full load: the window the RTT, patch, byte and CPU figures come from. */
  durationS: number;
  joinMs: { p50: Measured; p95: Measured; p99: Measured };
  /** Input sent -> its sequence acknowledged in a patch, probe bots only. */
  rttMs: { p50: Measured; p95: Measured; p99: Measured; p999: Measured };
  patchIntervalMs: { p50: Measured; p99: Measured };
  bytesDownPerBotPerS: Measured;
  bytesUpPerBotPerS: Measured;
  /** Unexpected closes of joined bots, by close code. */
  disconnects: Record<string, number>;
  /** Failed joins by reason, e.g. `{ "525: a join token is required": 3 }` (joinFailures.ts), most frequent first. */
  joinFailures: Record<string, number>;
  /** failed + unexpected disconnects + errors raised by joined rooms. */
  errors: number;
  /** The load generator's own CPU (every worker thread), % of one core. */
  generatorCpuPct: Measured;
  slo: SloVerdict & { expression: string };
  url: string;
  room: string;
  mode: string | null;
  workers: number;
  probeBots: number;
  rttSamples: number;
  patchesPerBotPerS: Measured;
  inputs: { sent: number; acked: number };
  /** How late the generator's input loop fired: over a tick period means it could not keep up. */
  generatorTickLagMs: { p50: Measured; p95: Measured; p99: Measured };
  /**
   * The generator could not keep up: its CPU reached --max-generator-cpu, or
   * its input loop ran more than a tick late at p95 (p95, not p99: on a
   * shared machine a scheduling hiccup alone reaches the p99; a saturated
   * loop is late all the time). Its figures then understate the server.
   */
  generatorSaturated: boolean;
  errorSamples: string[];
  /** True when Ctrl-C ended the run early: the figures cover what ran. */
  interrupted: boolean;
  capacity?: CapacityReport;
}

export interface CapacityStep {
  ccu: number;
  /** 1 for the first measurement of this bot count; higher for --step-retries re-measurements. */
  attempt: number;
  joined: number;
  failed: number;
  rttP50Ms: Measured;
  rttP99Ms: Measured;
  joinP99Ms: Measured;
  patchIntervalP99Ms: Measured;
  bytesDownPerBotPerS: Measured;
  generatorCpuPct: Measured;
  generatorTickLagP95Ms: Measured;
  isSloPass: boolean;
  isGeneratorSaturated: boolean;
  failures: string[];
}

export interface CapacityReport {
  /** Highest bot count whose step held the SLO with the generator unsaturated; 0 when none did. */
  highestPassingCcu: number;
  /** What ended the search. */
  limitedBy: "slo" | "generator" | "max-bots" | "interrupted";
  stepBots: number;
  stepDurationS: number;
  stepRetries: number;
  steps: CapacityStep[];
}

export interface ReportInput {
  url: string;
  roomName: string;
  mode: string | undefined;
  workers: number;
  probeBots: number;
  slo: readonly SloClause[];
  sloText: string;
  /** Bots asked for. */
  bots: number;
  /** Covers the joins: failures, join times, disconnects and errors come from here. */
  joins: Aggregate;
  /**
   * Covers full load: RTT, patches, bytes and CPU come from here. Undefined
   * when the run never reached full load (then they come from `joins` and
   * durationS is 0).
   */
  measured: Aggregate | undefined;
  interrupted: boolean;
  maxGeneratorCpuPct: number;
  /** The bots' input rate, Hz. */
  tickHz: number;
}

export function buildReport(input: ReportInput): LoadReport {
  const { joins } = input;
  const measured = input.measured ?? joins;
  const perBotS = (total: number) => (measured.botSeconds > 0 ? total / measured.botSeconds : Number.NaN);
  const report: LoadReport = {
    bots: input.bots,
    joined: joins.joined,
    failed: joins.failed,
    durationS: input.measured === undefined ? 0 : round(measured.wallS, 1),
    joinMs: {
      p50: ms(percentile(joins.joinMs, 50)),
      p95: ms(percentile(joins.joinMs, 95)),
      p99: ms(percentile(joins.joinMs, 99)),
    },
    rttMs: {
      p50: ms(measured.rtt.percentile(50)),
      p95: ms(measured.rtt.percentile(95)),
      p99: ms(measured.rtt.percentile(99)),
      p999: ms(measured.rtt.percentile(99.9)),
    },
    patchIntervalMs: { p50: ms(measured.patchInterval.percentile(50)), p99: ms(measured.patchInterval.percentile(99)) },
    bytesDownPerBotPerS: measuredOrNull(round(perBotS(measured.bytesDown), 0)),
    bytesUpPerBotPerS: measuredOrNull(round(perBotS(measured.bytesUp), 0)),
    disconnects: { ...joins.disconnects },
    joinFailures: joins.joinFailures.toJSON(),
    errors: joins.errors,
    generatorCpuPct: measuredOrNull(round(measured.cpuPct, 0)),
    slo: { pass: false, failures: [], expression: input.sloText },
    url: input.url,
    room: input.roomName,
    mode: input.mode ?? null,
    workers: input.workers,
    probeBots: input.probeBots,
    rttSamples: measured.rtt.count,
    patchesPerBotPerS: measuredOrNull(round(perBotS(measured.patches), 1)),
    inputs: { sent: measured.inputsSent, acked: measured.inputsAcked },
    generatorTickLagMs: {
      p50: ms(measured.tickLag.percentile(50)),
      p95: ms(measured.tickLag.percentile(95)),
      p99: ms(measured.tickLag.percentile(99)),
    },
    generatorSaturated: measured.cpuPct >= input.maxGeneratorCpuPct || measured.tickLag.percentile(95) > 1000 / input.tickHz,
    errorSamples: [...joins.errorSamples],
    interrupted: input.interrupted,
  };
  const verdict = evaluateSlo(input.slo, sloValuesOf(report));
  report.slo = { ...verdict, expression: input.sloText };
  return report;
}

/** The report's figures under the names SLO clauses use (null -> NaN: not measured). */
export function sloValuesOf(report: LoadReport): SloValues {
  const v = (m: Measured) => m ?? Number.NaN;
  return {
    rtt_p50_ms: v(report.rttMs.p50),
    rtt_p95_ms: v(report.rttMs.p95),
    rtt_p99_ms: v(report.rttMs.p99),
    rtt_p999_ms: v(report.rttMs.p999),
    join_p50_ms: v(report.joinMs.p50),
    join_p95_ms: v(report.joinMs.p95),
    join_p99_ms: v(report.joinMs.p99),
    patch_interval_p50_ms: v(report.patchIntervalMs.p50),
    patch_interval_p99_ms: v(report.patchIntervalMs.p99),
    errors: report.errors,
    failed: report.failed,
    disconnects: Object.values(report.disconnects).reduce((sum, n) => sum + n, 0),
    bytes_down_per_bot_per_s: v(report.bytesDownPerBotPerS),
    bytes_up_per_bot_per_s: v(report.bytesUpPerBotPerS),
    generator_cpu_pct: v(report.generatorCpuPct),
  };
}

/** The end-of-run table (and, after a capacity search, one row per step). */
export function formatReport(report: LoadReport): string {
  const f = (m: Measured, unit = "") => (m === null ? "-" : `${m}${unit}`);
  const disconnects = Object.entries(report.disconnects).map(([code, n]) => `${code}: ${n}`).join(", ") || "none";
  const rows: [string, string][] = [
    ["bots joined / failed", `${report.joined} / ${report.failed} of ${report.bots}`],
    ...Object.entries(report.joinFailures).map(([reason, n]): [string, string] => ["  join failed", `${n} x ${reason}`]),
    ["at full load", `${report.durationS} s${report.interrupted ? " (interrupted)" : ""}`],
    ["join ms p50 / p95 / p99", `${f(report.joinMs.p50)} / ${f(report.joinMs.p95)} / ${f(report.joinMs.p99)}`],
    ["rtt ms p50 / p95 / p99 / p99.9", `${f(report.rttMs.p50)} / ${f(report.rttMs.p95)} / ${f(report.rttMs.p99)} / ${f(report.rttMs.p999)}`],
    ["rtt samples (probe bots)", `${report.rttSamples} (${report.probeBots})`],
    ["patch interval ms p50 / p99", `${f(report.patchIntervalMs.p50)} / ${f(report.patchIntervalMs.p99)}`],
    ["patches per bot per s", f(report.patchesPerBotPerS)],
    ["bytes per bot per s down / up", `${f(report.bytesDownPerBotPerS)} / ${f(report.bytesUpPerBotPerS)}`],
    ["inputs sent / acked", `${report.inputs.sent} / ${report.inputs.acked}`],
    ["disconnects", disconnects],
    ["errors", String(report.errors)],
    ["generator CPU (% of one core)", `${f(report.generatorCpuPct, "%")} over ${report.workers} worker(s)`],
    ["generator tick lag ms p50 / p95 / p99", `${f(report.generatorTickLagMs.p50)} / ${f(report.generatorTickLagMs.p95)} / ${f(report.generatorTickLagMs.p99)}`],
    ["generator saturated", report.generatorSaturated ? "YES: the figures understate the server" : "no"],
    [`SLO ${report.slo.expression}`, report.slo.pass ? "PASS" : "FAIL"],
  ];
  for (const failure of report.slo.failures) rows.push(["  broken", failure]);
  for (const sample of report.errorSamples) rows.push(["error sample", sample]);
  let text = formatTable(["metric", "value"], rows, ["left", "left"]);
  const capacity = report.capacity;
  if (capacity !== undefined) {
    const stepRows = capacity.steps.map((s) => [
      s.attempt > 1 ? `${s.ccu} (retry ${s.attempt - 1})` : String(s.ccu), `${s.joined}/${s.failed}`, f(s.rttP50Ms), f(s.rttP99Ms), f(s.joinP99Ms), f(s.patchIntervalP99Ms),
      f(s.bytesDownPerBotPerS), f(s.generatorCpuPct, "%"), f(s.generatorTickLagP95Ms),
      s.isGeneratorSaturated ? "saturated" : s.isSloPass ? "pass" : "FAIL",
    ]);
    text += "\n\n" + formatTable(
      ["bots", "step joins/failed", "rtt p50", "rtt p99", "join p99", "patch p99", "B/bot/s down", "gen CPU", "gen lag p95", "SLO"],
      stepRows,
    );
    text += `\n\ncapacity: ${capacity.highestPassingCcu} bots held the SLO; the search ended on: ${describeLimit(capacity)}`;
    text += "\n(joins and errors above cover the whole search; the full-load figures are the highest passing step's, else the first step's)";
  }
  return text;
}

function describeLimit(capacity: CapacityReport): string {
  switch (capacity.limitedBy) {
    case "slo": return capacity.highestPassingCcu === 0
      ? "server SLO (broken already at the first step)"
      : "server SLO (the step above it broke it)";
    case "generator": return "generator saturated (its CPU or input-loop lag hit the limit; the server may hold more)";
    case "max-bots": return "--bots ceiling reached with the SLO still holding";
    case "interrupted": return "interrupted (Ctrl-C)";
  }
}

function ms(value: number): Measured {
  return measuredOrNull(round(value, 1));
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function measuredOrNull(value: number): Measured {
  return Number.isFinite(value) ? value : null;
}
