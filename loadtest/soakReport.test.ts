import { describe, expect, it } from "vitest";
import type { SoakOptions } from "./soakOptions.ts";
import { buildSoakReport, formatSoakReport, KILL_WINDOW_MS, phaseOf, slopePctPerHour, type SoakRecord, type TimedHeapSample } from "./soakReport.ts";

const MINUTE = 60_000;
const OPTIONS: SoakOptions = { minutes: 30, bots: 100, workers: 2, inputHz: 10, killAtMinutes: undefined, warmupMinutes: 5, gcEveryS: 30, jsonPath: undefined };

/** One probe sample a minute from `fromMin` to `toMin` for a process started at `startMin`, memory growing by `growthPerMin` bytes. */
function series(port: number, pid: number, startMin: number, fromMin: number, toMin: number, base: number, growthPerMin: number): TimedHeapSample[] {
  const samples: TimedHeapSample[] = [];
  for (let m = fromMin; m <= toMin; m++) {
    const grown = base + (m - fromMin) * growthPerMin;
    samples.push({ port, pid, atMs: m * MINUTE, uptimeS: (m - startMin) * 60, heapUsedBytes: grown, rssBytes: 2 * grown, gcMs: 12 });
  }
  return samples;
}

function record(extra: Partial<SoakRecord>): SoakRecord {
  return {
    options: OPTIONS, killedAtMs: undefined, killed: undefined, workerOfPort: new Map([[3000, 1], [3001, 2]]),
    heapSamples: [], joins: 0, joinMs: [], reroutes: {}, joinFailures: [], closes: [], liveSamples: [], tickOverruns: 0,
    serverErrors: {}, serverWarnings: {}, serverLogExamples: {}, generatorCpuPct: 40, ...extra,
  };
}

describe("slopePctPerHour", () => {
  it("is the least-squares slope in % of the mean per hour", () => {
    // 100 -> 110 over an hour, mean 105: 9.5% of the mean.
    expect(slopePctPerHour([{ atMs: 0, value: 100 }, { atMs: 30 * MINUTE, value: 105 }, { atMs: 60 * MINUTE, value: 110 }])).toBe(9.5);
    expect(slopePctPerHour([{ atMs: 0, value: 100 }, { atMs: MINUTE, value: 90 }, { atMs: 2 * MINUTE, value: 100 }])).toBe(0);
  });

  it("is not measured with fewer than three points", () => {
    expect(slopePctPerHour([{ atMs: 0, value: 1 }, { atMs: 1, value: 2 }])).toBeNull();
  });
});

describe("phaseOf", () => {
  it("splits a run with a kill into before, around (the kill window) and after", () => {
    expect(phaseOf(5, undefined)).toBe("no kill");
    expect(phaseOf(999, 1_000)).toBe("before the kill");
    expect(phaseOf(1_000 + KILL_WINDOW_MS - 1, 1_000)).toBe("around the kill");
    expect(phaseOf(1_000 + KILL_WINDOW_MS, 1_000)).toBe("after the kill");
  });
});

describe("buildSoakReport", () => {
  it("fits each worker's slopes after the warm-up only, and meets the target when memory is flat", () => {
    const heapSamples = [
      // A steep warm-up that the slope must leave out, then flat.
      ...series(3000, 11, 0, 0, 4, 10e6, 5e6), ...series(3000, 11, 0, 5, 30, 40e6, 0),
      ...series(3001, 12, 0, 5, 30, 40e6, 0),
    ];
    const report = buildSoakReport(record({ heapSamples, joins: 500, joinMs: [10, 20, 30, 400], liveSamples: [{ atMs: 6 * MINUTE, live: 100 }] }));
    expect(report.joinMs).toEqual({ p50: 20, p99: 400, max: 400 });
    expect(report.processes.map((p) => [p.worker, p.pid, p.samples, p.heapSlopePctPerH, p.rssSlopePctPerH, p.isRestart])).toEqual([
      [1, 11, 26, 0, 0, false], [2, 12, 26, 0, 0, false],
    ]);
    expect(report.processes[0]).toMatchObject({ heapStartMb: 40, heapEndMb: 40, rssStartMb: 80, gcs: 31, gcMedianMs: 12, gcMaxMs: 12 });
    expect(report.verdicts.every((v) => v.isMet)).toBe(true);
  });

  it("fails the memory targets on a slope of 5%/h or more, naming the worker", () => {
    // 40 MB growing 0.2 MB a minute: 12 MB/h on a mean of 42.5 MB, about 28%/h.
    const heapSamples = [...series(3000, 11, 0, 5, 30, 40e6, 0.2e6), ...series(3001, 12, 0, 5, 30, 40e6, 0)];
    const report = buildSoakReport(record({ heapSamples }));
    const heap = report.verdicts.find((v) => v.target.startsWith("post-GC heap"))!;
    expect(heap.isMet).toBe(false);
    expect(heap.detail).toMatch(/^worker 1 28\.\d%\/h, worker 2 0%\/h$/);
  });

  it("with a kill: lists the restarted process, judges only the workers never killed, and splits failed joins and closes by phase", () => {
    const killedAtMs = 15 * MINUTE;
    const heapSamples = [
      ...series(3000, 11, 0, 5, 30, 40e6, 0),
      ...series(3001, 12, 0, 5, 14, 40e6, 0),
      // The restarted worker 2: a new pid, growing as it takes players; not judged.
      ...series(3001, 13, 15, 16, 30, 20e6, 1e6),
    ];
    const report = buildSoakReport(record({
      options: { ...OPTIONS, killAtMinutes: 15 },
      killedAtMs, killed: { worker: 2, pid: 12 }, heapSamples, joins: 900, reroutes: { "ECONNREFUSED: fetch failed": 7 },
      joinFailures: [
        { atMs: killedAtMs - 1, reason: "503: server is full" },
        { atMs: killedAtMs + 1_000, reason: "1006: connection closed" },
        { atMs: killedAtMs + 2_000, reason: "1006: connection closed" },
      ],
      closes: [
        { atMs: 60_000, code: 4000 }, { atMs: killedAtMs + 10, code: 1006 }, { atMs: killedAtMs + KILL_WINDOW_MS + 1, code: 1006 },
      ],
    }));
    expect(report.processes.map((p) => [p.worker, p.pid, p.isRestart, p.window, p.samples])).toEqual([
      // Worker 1's samples after the kill start after a second warm-up (minute 20).
      [1, 11, false, "before the kill", 10], [1, 11, false, "after the kill", 11],
      [2, 12, false, "before the kill", 10], [2, 13, true, "after its start", 11],
    ]);
    expect(report.killedWorker).toBe(2);
    expect(report.processes[3]!.heapSlopePctPerH).toBeGreaterThan(5);
    const heap = report.verdicts.find((v) => v.target.startsWith("post-GC heap"))!;
    expect(heap).toMatchObject({ isMet: true });
    expect(heap.detail).toContain("worker 2, killed, is listed but not judged");
    expect(report.joinFailures).toEqual({
      total: 3,
      byPhase: { "before the kill": { "503: server is full": 1 }, "around the kill": { "1006: connection closed": 2 } },
    });
    expect(report.unexpectedDisconnects).toEqual({ 1006: 1 });
    expect(report.closes).toEqual({ 4000: 1, 1006: 2 });
    const joins = report.verdicts.find((v) => v.target.startsWith("no failed joins"))!;
    expect(joins).toEqual({
      target: "no failed joins but those in flight to the killed worker", isMet: false,
      detail: `1 outside the kill window, 2 within ${KILL_WINDOW_MS / 1000} s of the kill`,
    });
  });

  it("with a kill: a survivor's step up as it takes the killed worker's players is no slope; growth after the kill is", () => {
    const killedAtMs = 15 * MINUTE;
    const stepped = [...series(3000, 11, 0, 5, 14, 40e6, 0), ...series(3000, 11, 0, 15, 30, 48e6, 0)];
    const options = { ...OPTIONS, killAtMinutes: 15 };
    const killed = { worker: 2, pid: 12 };
    const step = buildSoakReport(record({ options, killedAtMs, killed, heapSamples: stepped }));
    expect(step.verdicts.find((v) => v.target.startsWith("post-GC heap"))).toMatchObject({
      isMet: true, detail: expect.stringContaining("worker 1 before the kill 0%/h, worker 1 after the kill 0%/h"),
    });

    const growing = [...series(3000, 11, 0, 5, 14, 40e6, 0), ...series(3000, 11, 0, 15, 30, 48e6, 0.3e6)];
    const growth = buildSoakReport(record({ options, killedAtMs, killed, heapSamples: growing }));
    const heap = growth.verdicts.find((v) => v.target.startsWith("post-GC heap"))!;
    expect(heap.isMet).toBe(false);
    expect(heap.detail).toMatch(/worker 1 before the kill 0%\/h, worker 1 after the kill \d+(\.\d)?%\/h/);
  });

  it("says when the generator could not keep the bots live", () => {
    const report = buildSoakReport(record({ liveSamples: [{ atMs: 0, live: 10 }, { atMs: 6 * MINUTE, live: 60 }, { atMs: 7 * MINUTE, live: 80 }] }));
    expect(report.botsLive).toEqual({ min: 60, mean: 70 });
    expect(report.verdicts.at(-1)).toMatchObject({ target: "100 bots live after warm-up", isMet: false });
    expect(report.verdicts.at(-1)!.detail).toContain("generator CPU 40%");
  });

  it("does not judge memory it did not measure", () => {
    const report = buildSoakReport(record({}));
    expect(report.verdicts[0]).toMatchObject({ isMet: false, detail: "not measured: too few samples after warm-up" });
  });
});

describe("formatSoakReport", () => {
  it("prints the settings, a row per worker process, failures by reason and one verdict per target", () => {
    const report = buildSoakReport(record({
      options: { ...OPTIONS, killAtMinutes: 15 }, killedAtMs: 15 * MINUTE, killed: { worker: 2, pid: 12 },
      heapSamples: [...series(3000, 11, 0, 5, 30, 40e6, 0), ...series(3001, 13, 15, 16, 30, 20e6, 0)],
      joinFailures: [{ atMs: 15 * MINUTE + 1, reason: "1006: connection closed" }], tickOverruns: 3, serverErrors: { ipc_timeout: 2 },
      serverLogExamples: { ipc_timeout: ['{"level":50,"event":"ipc_timeout","reason":"no answer"}'] },
    }));
    const text = formatSoakReport(report);
    expect(text).toContain("last worker killed at 15 min");
    expect(text).toMatch(/2 \(restarted\)\s+13/);
    expect(text).toMatch(/around the kill\s+1 x 1006: connection closed/);
    expect(text).toMatch(/server errors\s+ipc_timeout:2/);
    expect(text).toMatch(/^NOT MET: no server errors: 2$/m);
    expect(text).toMatch(/^ {2}\{"level":50,"event":"ipc_timeout","reason":"no answer"\}$/m);
    expect(text).toMatch(/^met: no unexpected disconnects: 0$/m);
  });
});
