/**
 * The soak's report, from what the run recorded (pure: unit-tested). Memory
 * is judged per worker process on the samples its heap probe wrote after each
 * forced full GC, leaving out each process's warm-up; joins that failed and
 * closes are split by when they happened relative to the kill.
 */
import type { HeapSample } from "./heapSample.ts";
import type { SoakOptions } from "./soakOptions.ts";
import { formatTable, percentile } from "./stats.ts";

/** The targets of issue 14: memory slopes under this, per hour, after warm-up. */
const MAX_SLOPE_PCT_PER_H = 5;
/**
 * After a kill, how long the cluster may still place players on the dead
 * worker: until its heartbeat is stale (STALE_PROCESS_S, 6 s) and the
 * supervisor has restarted it (about 1 s), with room for a busy machine.
 */
export const KILL_WINDOW_MS = 15_000;

/** A close code every soak bot sees when it leaves by itself. */
const CONSENTED = 4000;
/** The close the killed worker's clients see. */
const ABNORMAL_CLOSURE = 1006;

export type Phase = "before the kill" | "around the kill" | "after the kill" | "no kill";

/** A heap probe sample, stamped on the soak's clock (ms since the bots started). */
export interface TimedHeapSample extends HeapSample {
  atMs: number;
}

export interface SoakRecord {
  options: Readonly<SoakOptions>;
  /** Soak clock of the kill; undefined when none happened. */
  killedAtMs: number | undefined;
  /** Which worker (1-based) was killed, and its pid. */
  killed: { worker: number; pid: number } | undefined;
  /** Worker number (1-based) by port. */
  workerOfPort: ReadonlyMap<number, number>;
  heapSamples: readonly TimedHeapSample[];
  joins: number;
  /** Each successful join's time, ms. */
  joinMs: readonly number[];
  /** Joins sent to another worker because the chosen one refused or dropped the connection (a load balancer's retry), by reason. */
  reroutes: Readonly<Record<string, number>>;
  joinFailures: readonly { atMs: number; reason: string }[];
  closes: readonly { atMs: number; code: number }[];
  /** Live bots, sampled through the run. */
  liveSamples: readonly { atMs: number; live: number }[];
  tickOverruns: number;
  /** Error lines (level >= 50) of the cluster's log, by event (or message). */
  serverErrors: Readonly<Record<string, number>>;
  /** Warning lines of the cluster's log, by event. */
  serverWarnings: Readonly<Record<string, number>>;
  /** The first lines of each error and warning event, as logged. */
  serverLogExamples: Readonly<Record<string, readonly string[]>>;
  /** This process's CPU over the run, % of one core. */
  generatorCpuPct: number;
}

/**
 * Which samples a row's slopes are fitted to: after the warm-up; with a kill, a surviving worker's
 * samples before the kill and, from a second warm-up, after it; a restarted worker's after its own.
 */
export type MemoryWindow = "after warm-up" | "before the kill" | "after the kill" | "after its start";

export interface ProcessRow {
  worker: number;
  pid: number;
  /** A process the supervisor started after the kill. */
  isRestart: boolean;
  window: MemoryWindow;
  /** Samples in the window, the ones the slopes are fitted to. */
  samples: number;
  rssStartMb: number | null;
  rssEndMb: number | null;
  rssSlopePctPerH: number | null;
  heapStartMb: number | null;
  heapEndMb: number | null;
  heapSlopePctPerH: number | null;
  /** Forced collections, their median and longest duration (each stops the event loop: a tick may overrun). */
  gcs: number;
  gcMedianMs: number | null;
  gcMaxMs: number | null;
}

export interface Verdict {
  target: string;
  isMet: boolean;
  detail: string;
}

export interface SoakReport {
  minutes: number;
  bots: number;
  workers: number;
  inputHz: number;
  killAtMinutes: number | null;
  /** The worker (1-based) that was killed; its processes are listed, not judged. */
  killedWorker: number | null;
  warmupMinutes: number;
  gcEveryS: number;
  processes: ProcessRow[];
  joins: number;
  /** Matchmaking request to joined room, successful joins only. */
  joinMs: { p50: number | null; p99: number | null; max: number | null };
  reroutes: Record<string, number>;
  joinFailures: { total: number; byPhase: Partial<Record<Phase, Record<string, number>>> };
  /** Closes other than a bot's own leave (4000) and the killed worker's clients (1006 in the kill window), by code. */
  unexpectedDisconnects: Record<string, number>;
  /** Every close, by code. */
  closes: Record<string, number>;
  tickOverruns: number;
  serverErrors: Record<string, number>;
  serverWarnings: Record<string, number>;
  serverLogExamples: Record<string, string[]>;
  botsLive: { min: number | null; mean: number | null };
  generatorCpuPct: number | null;
  verdicts: Verdict[];
}

/** Least-squares slope of `value` over `atMs`, in % of the mean per hour; null with fewer than 3 points. */
export function slopePctPerHour(points: readonly { atMs: number; value: number }[]): number | null {
  const n = points.length;
  if (n < 3) return null;
  const mx = points.reduce((s, p) => s + p.atMs, 0) / n;
  const my = points.reduce((s, p) => s + p.value, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.atMs - mx) ** 2, 0);
  if (sxx === 0 || my === 0) return null;
  const slopePerMs = points.reduce((s, p) => s + (p.atMs - mx) * (p.value - my), 0) / sxx;
  return round((slopePerMs * 3_600_000 / my) * 100, 1);
}

export function phaseOf(atMs: number, killedAtMs: number | undefined): Phase {
  if (killedAtMs === undefined) return "no kill";
  if (atMs < killedAtMs) return "before the kill";
  return atMs < killedAtMs + KILL_WINDOW_MS ? "around the kill" : "after the kill";
}

export function buildSoakReport(record: SoakRecord): SoakReport {
  const { options } = record;
  const warmupMs = options.warmupMinutes * 60_000;
  const processes = processRows(record, warmupMs);

  const byPhase: Partial<Record<Phase, Record<string, number>>> = {};
  for (const failure of record.joinFailures) {
    const reasons = (byPhase[phaseOf(failure.atMs, record.killedAtMs)] ??= {});
    reasons[failure.reason] = (reasons[failure.reason] ?? 0) + 1;
  }
  const closes: Record<string, number> = {};
  const unexpected: Record<string, number> = {};
  for (const close of record.closes) {
    closes[close.code] = (closes[close.code] ?? 0) + 1;
    const isKilledWorkersClient = close.code === ABNORMAL_CLOSURE && phaseOf(close.atMs, record.killedAtMs) === "around the kill";
    if (close.code !== CONSENTED && !isKilledWorkersClient) unexpected[close.code] = (unexpected[close.code] ?? 0) + 1;
  }
  const live = record.liveSamples.filter((s) => s.atMs >= warmupMs).map((s) => s.live);

  const report: SoakReport = {
    minutes: options.minutes,
    bots: options.bots,
    workers: options.workers,
    inputHz: options.inputHz,
    killAtMinutes: options.killAtMinutes ?? null,
    killedWorker: record.killed?.worker ?? null,
    warmupMinutes: options.warmupMinutes,
    gcEveryS: options.gcEveryS,
    processes,
    joins: record.joins,
    joinMs: {
      p50: record.joinMs.length === 0 ? null : Math.round(percentile([...record.joinMs], 50)),
      p99: record.joinMs.length === 0 ? null : Math.round(percentile([...record.joinMs], 99)),
      max: record.joinMs.length === 0 ? null : Math.round(record.joinMs.reduce((m, v) => Math.max(m, v), 0)),
    },
    reroutes: sortByCount(record.reroutes),
    joinFailures: { total: record.joinFailures.length, byPhase: sortCounts(byPhase) },
    unexpectedDisconnects: unexpected,
    closes,
    tickOverruns: record.tickOverruns,
    serverErrors: sortByCount(record.serverErrors),
    serverWarnings: sortByCount(record.serverWarnings),
    serverLogExamples: Object.fromEntries(Object.entries(record.serverLogExamples).map(([event, lines]) => [event, [...lines]])),
    botsLive: {
      min: live.length === 0 ? null : Math.min(...live),
      mean: live.length === 0 ? null : Math.round(live.reduce((s, n) => s + n, 0) / live.length),
    },
    generatorCpuPct: Number.isFinite(record.generatorCpuPct) ? Math.round(record.generatorCpuPct) : null,
    verdicts: [],
  };
  report.verdicts = judge(report);
  return report;
}

function processRows(record: SoakRecord, warmupMs: number): ProcessRow[] {
  const byPid = new Map<number, TimedHeapSample[]>();
  for (const sample of record.heapSamples) {
    const samples = byPid.get(sample.pid) ?? [];
    samples.push(sample);
    byPid.set(sample.pid, samples);
  }
  const { killedAtMs } = record;
  const rows: ProcessRow[] = [];
  for (const [pid, all] of byPid) {
    const worker = record.workerOfPort.get(all[0]!.port) ?? 0;
    const isRestart = killedAtMs !== undefined && all[0]!.atMs - all[0]!.uptimeS * 1000 > killedAtMs - 1_000;
    // Its own warm-up: from the soak's start, and from the process's own start (a restarted worker ramps up again).
    const settled = all.filter((s) => s.atMs >= warmupMs && s.uptimeS * 1000 >= warmupMs);
    const row = (window: MemoryWindow, samples: TimedHeapSample[]) => rows.push(processRow(worker, pid, isRestart, window, samples, all));
    if (killedAtMs === undefined) {
      row("after warm-up", settled);
    } else if (isRestart) {
      row("after its start", settled);
    } else {
      // A survivor takes the killed worker's players at the kill: a step in its memory, not a slope. Each
      // side of the kill is fitted on its own, the side after it from a second warm-up.
      row("before the kill", settled.filter((s) => s.atMs < killedAtMs));
      const after = settled.filter((s) => s.atMs >= killedAtMs + warmupMs);
      if (after.length > 0 || record.killed?.worker !== worker) row("after the kill", after);
    }
  }
  return rows.sort((a, b) => a.worker - b.worker || Number(a.isRestart) - Number(b.isRestart) || WINDOW_ORDER.indexOf(a.window) - WINDOW_ORDER.indexOf(b.window));
}

const WINDOW_ORDER: readonly MemoryWindow[] = ["after warm-up", "before the kill", "after the kill", "after its start"];

function processRow(worker: number, pid: number, isRestart: boolean, window: MemoryWindow, samples: readonly TimedHeapSample[], all: readonly TimedHeapSample[]): ProcessRow {
  const first = samples[0];
  const last = samples.at(-1);
  return {
    worker,
    pid,
    isRestart,
    window,
    samples: samples.length,
    rssStartMb: mb(first?.rssBytes),
    rssEndMb: mb(last?.rssBytes),
    rssSlopePctPerH: slopePctPerHour(samples.map((s) => ({ atMs: s.atMs, value: s.rssBytes }))),
    heapStartMb: mb(first?.heapUsedBytes),
    heapEndMb: mb(last?.heapUsedBytes),
    heapSlopePctPerH: slopePctPerHour(samples.map((s) => ({ atMs: s.atMs, value: s.heapUsedBytes }))),
    gcs: all.length,
    gcMedianMs: all.length === 0 ? null : percentile(all.map((s) => s.gcMs), 50),
    gcMaxMs: all.length === 0 ? null : Math.max(...all.map((s) => s.gcMs)),
  };
}

function judge(report: SoakReport): Verdict[] {
  const judged = report.processes.filter((p) => p.worker !== report.killedWorker && p.samples >= 3);
  const slopeVerdict = (what: string, slopeOf: (p: ProcessRow) => number | null): Verdict => {
    const slopes = judged.map((p) => `worker ${p.worker}${p.window === "after warm-up" ? "" : ` ${p.window}`} ${slopeOf(p)}%/h`);
    const killedNote = report.killedWorker === null ? "" : ` (worker ${report.killedWorker}, killed, is listed but not judged: each of its processes lived through part of the run)`;
    if (judged.length === 0) return { target: `${what} slope < ${MAX_SLOPE_PCT_PER_H}%/h after warm-up`, isMet: false, detail: "not measured: too few samples after warm-up" };
    return {
      target: `${what} slope < ${MAX_SLOPE_PCT_PER_H}%/h after warm-up`,
      isMet: judged.every((p) => (slopeOf(p) ?? Infinity) < MAX_SLOPE_PCT_PER_H),
      detail: slopes.join(", ") + killedNote,
    };
  };
  const outsideKill = Object.entries(report.joinFailures.byPhase)
    .filter(([phase]) => phase !== "around the kill")
    .reduce((sum, [, reasons]) => sum + Object.values(reasons ?? {}).reduce((s, n) => s + n, 0), 0);
  const aroundKill = report.joinFailures.total - outsideKill;
  const unexpected = Object.values(report.unexpectedDisconnects).reduce((s, n) => s + n, 0);
  const errors = Object.values(report.serverErrors).reduce((s, n) => s + n, 0);
  const verdicts = [
    slopeVerdict("RSS", (p) => p.rssSlopePctPerH),
    slopeVerdict("post-GC heap", (p) => p.heapSlopePctPerH),
    { target: "no unexpected disconnects", isMet: unexpected === 0, detail: String(unexpected) },
    { target: "no server errors", isMet: errors === 0, detail: String(errors) },
    {
      target: report.killAtMinutes === null ? "no failed joins" : "no failed joins but those in flight to the killed worker",
      isMet: outsideKill === 0,
      detail: report.killAtMinutes === null ? String(outsideKill) : `${outsideKill} outside the kill window, ${aroundKill} within ${KILL_WINDOW_MS / 1000} s of the kill`,
    },
  ];
  // Churn leaves a few bots between two sessions at any moment; 95% on average is a generator that keeps up.
  if (report.botsLive.mean !== null && report.botsLive.mean < report.bots * 0.95) {
    verdicts.push({
      target: `${report.bots} bots live after warm-up`, isMet: false,
      detail: `at least ${report.botsLive.min}, ${report.botsLive.mean} on average (generator CPU ${report.generatorCpuPct ?? "-"}% of one core)`,
    });
  }
  return verdicts;
}

/** The end-of-run text: settings, one row per worker process, the counts, the failures by reason, the verdicts. */
export function formatSoakReport(report: SoakReport): string {
  const f = (v: number | null, unit = "") => (v === null ? "-" : `${v}${unit}`);
  const lines: string[] = [];
  lines.push(`soak: ${report.minutes} min, ${report.bots} bots (light: count bytes, ${report.inputHz} inputs/s, 20% firing, churn), `
    + `${report.workers} workers, ${report.killAtMinutes === null ? "no kill" : `last worker killed at ${round(report.killAtMinutes, 2)} min`}, `
    + `warm-up ${round(report.warmupMinutes, 2)} min, a forced full GC every ${report.gcEveryS} s`);
  lines.push("");
  lines.push(formatTable(
    ["worker", "pid", "window", "samples", "RSS start", "RSS end", "RSS slope/h", "heap after GC start", "heap after GC end", "heap slope/h", "forced GCs, median / longest"],
    report.processes.map((p) => [
      p.isRestart ? `${p.worker} (restarted)` : String(p.worker), String(p.pid), p.window, String(p.samples),
      f(p.rssStartMb, " MB"), f(p.rssEndMb, " MB"), f(p.rssSlopePctPerH, "%"),
      f(p.heapStartMb, " MB"), f(p.heapEndMb, " MB"), f(p.heapSlopePctPerH, "%"), `${p.gcs}, ${f(p.gcMedianMs)} / ${f(p.gcMaxMs, " ms")}`,
    ]),
  ));
  lines.push("");
  const counts = (record: Record<string, number>) => Object.entries(record).map(([k, n]) => `${k}:${n}`).join(" ") || "none";
  const rows: [string, string][] = [
    ["joins", String(report.joins)],
    ["join ms p50 / p99 / max", `${f(report.joinMs.p50)} / ${f(report.joinMs.p99)} / ${f(report.joinMs.max)}`],
    ["joins rerouted to another worker", String(Object.values(report.reroutes).reduce((sum, n) => sum + n, 0))],
    ...Object.entries(report.reroutes).map(([reason, n]): [string, string] => ["  rerouted", `${n} x ${reason}`]),
    ["failed joins", String(report.joinFailures.total)],
  ];
  for (const [phase, reasons] of Object.entries(report.joinFailures.byPhase)) {
    for (const [reason, n] of Object.entries(reasons ?? {})) rows.push([`  ${phase}`, `${n} x ${reason}`]);
  }
  rows.push(
    ["unexpected disconnects", counts(report.unexpectedDisconnects)],
    ["all closes by code", counts(report.closes)],
    ["tick overruns", String(report.tickOverruns)],
    ["server errors", counts(report.serverErrors)],
    ["server warnings", counts(report.serverWarnings)],
    ["bots live after warm-up, min / mean", `${f(report.botsLive.min)} / ${f(report.botsLive.mean)}`],
    ["generator CPU (% of one core)", f(report.generatorCpuPct, "%")],
  );
  lines.push(formatTable(["figure", "value"], rows, ["left", "left"]));
  lines.push("");
  const examples = Object.entries(report.serverLogExamples);
  if (examples.length > 0) {
    lines.push("server errors and warnings, first lines of each:");
    for (const [, logged] of examples) for (const line of logged) lines.push(`  ${line}`);
    lines.push("");
  }
  for (const v of report.verdicts) lines.push(`${v.isMet ? "met" : "NOT MET"}: ${v.target}: ${v.detail}`);
  return lines.join("\n");
}

function sortByCount(record: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort((a, b) => b[1] - a[1]));
}

function sortCounts<K extends string>(byKey: Partial<Record<K, Record<string, number>>>): Partial<Record<K, Record<string, number>>> {
  const sorted: Partial<Record<K, Record<string, number>>> = {};
  for (const key of Object.keys(byKey) as K[]) sorted[key] = sortByCount(byKey[key]!);
  return sorted;
}

function mb(bytes: number | undefined): number | null {
  return bytes === undefined ? null : round(bytes / 1e6, 1);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
