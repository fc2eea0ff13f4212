import { describe, expect, it } from "vitest";
import { Aggregate, BotCounters } from "./loadtestMetrics.ts";
import { buildReport, formatReport, sloValuesOf, type ReportInput } from "./loadtestReport.ts";
import { parseSlo } from "./slo.ts";

const REQUIRED_KEYS = [
  "bots", "joined", "failed", "durationS", "joinMs", "rttMs", "patchIntervalMs", "bytesDownPerBotPerS",
  "bytesUpPerBotPerS", "disconnects", "errors", "generatorCpuPct", "slo",
];

function slo(expression: string) {
  const parsed = parseSlo(expression);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

/** A worker's report: 10 bots for 2 s, 20 patches/s of 100 B each, RTT 40..59 ms. */
function workerReport(extra: (c: BotCounters) => void = () => undefined) {
  const counters = new BotCounters();
  counters.joined = 10;
  counters.joinMs = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  counters.bytesDown = 10 * 2 * 20 * 100;
  counters.bytesUp = 10 * 2 * 30 * 10;
  counters.patches = 10 * 2 * 20;
  for (let i = 0; i < 20; i++) counters.rtt.record(40 + i);
  for (let i = 0; i < 100; i++) counters.patchInterval.record(50);
  counters.tickLag.record(1);
  extra(counters);
  return counters.drain(0, { connected: 10, joining: 0, tickHz: 30 }, 10 * 2);
}

function input(joins: Aggregate, measured: Aggregate | undefined, expression = "rtt_p99_ms<=100,errors==0"): ReportInput {
  return {
    url: "ws://127.0.0.1:1", roomName: "arena", mode: undefined, workers: 1, probeBots: 2,
    slo: slo(expression), sloText: expression, bots: 10, joins, measured, interrupted: false,
    maxGeneratorCpuPct: 1e9, tickHz: 30,
  };
}

describe("buildReport", () => {
  it("has every key the issue asks for, with per-bot rates and percentiles", () => {
    const run = new Aggregate();
    run.add(workerReport());
    const report = buildReport(input(run, run));
    for (const key of REQUIRED_KEYS) expect(report).toHaveProperty(key);
    expect(report).toMatchObject({ bots: 10, joined: 10, failed: 0, errors: 0, disconnects: {} });
    expect(report.bytesDownPerBotPerS).toBe(2000);
    expect(report.bytesUpPerBotPerS).toBe(300);
    expect(report.patchesPerBotPerS).toBe(20);
    expect(report.joinMs).toEqual({ p50: 50, p95: 100, p99: 100 });
    expect(report.rttMs.p50).toBeGreaterThanOrEqual(49);
    expect(report.rttMs.p50).toBeLessThanOrEqual(49 * 1.01);
    expect(report.rttMs.p999).toBeLessThanOrEqual(59 * 1.01);
    expect(report.patchIntervalMs.p99).toBeCloseTo(50, -0.5);
    expect(report.slo).toEqual({ pass: true, failures: [], expression: "rtt_p99_ms<=100,errors==0" });
    expect(report.generatorSaturated).toBe(false);
  });

  it("counts failed joins, disconnects and room errors as errors, and fails the SLO on them", () => {
    const run = new Aggregate();
    run.add(workerReport((c) => {
      c.failed = 2;
      c.roomErrors = 1;
      c.noteDisconnect(1006);
      c.noteDisconnect(1006);
      c.noteDisconnect(4100);
      c.noteError("join failed: seat reservation expired");
    }));
    const report = buildReport(input(run, run));
    expect(report.errors).toBe(2 + 1 + 3);
    expect(report.disconnects).toEqual({ 1006: 2, 4100: 1 });
    expect(report.errorSamples).toEqual(["join failed: seat reservation expired"]);
    expect(report.slo.pass).toBe(false);
    expect(report.slo.failures).toEqual(["errors==0: measured 6"]);
    expect(sloValuesOf(report).disconnects).toBe(3);
  });

  it("groups failed joins by reason across workers, most frequent first, and lists them in the table", () => {
    const run = new Aggregate();
    run.add(workerReport((c) => {
      c.noteJoinFailure("429: too many matchmaking requests from your address: retry in N s");
      c.noteJoinFailure("525: a join token is required");
      c.noteJoinFailure("525: a join token is required");
    }));
    run.add(workerReport((c) => c.noteJoinFailure("525: a join token is required")));
    const report = buildReport(input(run, run));
    expect(report.failed).toBe(4);
    expect(Object.entries(report.joinFailures)).toEqual([
      ["525: a join token is required", 3],
      ["429: too many matchmaking requests from your address: retry in N s", 1],
    ]);
    expect(formatReport(report)).toMatch(/join failed\s+3 x 525: a join token is required/);
  });

  it("reports what it could not measure as null, durationS 0 without full load, and fails SLO clauses on it", () => {
    const run = new Aggregate();
    const report = buildReport(input(run, undefined));
    expect(report.durationS).toBe(0);
    expect(report.rttMs).toEqual({ p50: null, p95: null, p99: null, p999: null });
    expect(report.bytesDownPerBotPerS).toBeNull();
    expect(report.slo.failures).toEqual(["rtt_p99_ms<=100: not measured (no samples)"]);
    expect(JSON.parse(JSON.stringify(report)).rttMs.p99).toBeNull();
  });

  it("flags a generator whose input loop ran more than a tick late", () => {
    const run = new Aggregate();
    run.add(workerReport((c) => {
      for (let i = 0; i < 10; i++) c.tickLag.record(80);
    }));
    expect(buildReport(input(run, run)).generatorSaturated).toBe(true);
  });

  it("prints a table naming every figure and the verdict", () => {
    const run = new Aggregate();
    run.add(workerReport());
    const text = formatReport(buildReport(input(run, run, "rtt_p99_ms<=1")));
    for (const label of ["bots joined / failed", "rtt ms p50 / p95 / p99 / p99.9", "join ms", "patch interval",
      "bytes per bot per s", "disconnects", "errors", "generator CPU", "SLO rtt_p99_ms<=1"]) {
      expect(text).toContain(label);
    }
    expect(text).toMatch(/SLO rtt_p99_ms<=1\s+FAIL/);
    expect(text).toContain("broken");
  });
});
