import { describe, expect, it } from "vitest";
import { parseArgs, type LoadtestOptions } from "./args.ts";
import { findCapacity, type CapacityDriver } from "./loadtestCapacity.ts";
import { Aggregate, BotCounters } from "./loadtestMetrics.ts";

/**
 * A controller without bots: every hold() feeds the open aggregates one
 * report whose RTT (and generator lag) the test scripts per bot count and
 * attempt, so the search's decisions can be checked exactly.
 */
class FakeDriver implements CapacityDriver {
  readonly tickHz = 30;
  readonly holds: number[] = [];
  private readonly open = new Set<Aggregate>();
  private ccu = 0;
  private readonly script: (ccu: number, attempt: number) => { rttMs: number; lagMs?: number; failed?: number };

  constructor(script: FakeDriver["script"]) {
    this.script = script;
  }

  record(): Aggregate {
    const a = new Aggregate();
    this.open.add(a);
    return a;
  }

  release(a: Aggregate): Aggregate {
    this.open.delete(a);
    return a.close();
  }

  async spawnTo(target: number): Promise<void> {
    const counters = new BotCounters();
    counters.joined = target - this.ccu;
    counters.joinMs = Array.from({ length: target - this.ccu }, () => 20);
    this.ccu = target;
    this.feed(counters);
  }

  async hold(): Promise<void> {
    this.holds.push(this.ccu);
    const attempt = this.holds.filter((c) => c === this.ccu).length;
    const { rttMs, lagMs = 1, failed = 0 } = this.script(this.ccu, attempt);
    const counters = new BotCounters();
    counters.failed = failed;
    for (let i = 0; i < 100; i++) counters.rtt.record(rttMs);
    for (let i = 0; i < 100; i++) counters.tickLag.record(lagMs);
    counters.bytesDown = 1000;
    this.feed(counters);
  }

  private feed(counters: BotCounters): void {
    const report = counters.drain(0, { connected: this.ccu, joining: 0, tickHz: 30 }, this.ccu);
    for (const a of this.open) a.add(report);
  }
}

function options(extra: string[]): Readonly<LoadtestOptions> {
  const parsed = parseArgs(["--find-capacity", "--bots", "500", "--step-bots", "100", "--slo", "rtt_p99_ms<=100,errors==0", ...extra], 2);
  if (!parsed.ok || !("value" in parsed)) throw new Error("bad test options");
  return parsed.value;
}

async function search(driver: FakeDriver, extra: string[] = []) {
  const o = options(extra);
  const common = {
    url: o.url, roomName: o.roomName, mode: o.mode, workers: 1, probeBots: 1, slo: o.slo, sloText: o.sloText,
    maxGeneratorCpuPct: 1e9,
  };
  return findCapacity(driver, o, new AbortController().signal, () => undefined, common);
}

describe("findCapacity", () => {
  it("steps up until the SLO breaks and reports the last step that held", async () => {
    const driver = new FakeDriver((ccu) => ({ rttMs: ccu <= 300 ? 60 : 180 }));
    const { capacity, stepReport } = await search(driver);
    expect(capacity).toMatchObject({ highestPassingCcu: 300, limitedBy: "slo" });
    expect(capacity.steps.map((s) => [s.ccu, s.isSloPass])).toEqual([[100, true], [200, true], [300, true], [400, false]]);
    expect(capacity.steps[3]!.failures[0]).toMatch(/^rtt_p99_ms<=100: measured 18\d/);
    expect(stepReport?.bots).toBe(300);
    expect(stepReport?.slo.pass).toBe(true);
  });

  it("stops at the --bots ceiling when the SLO always holds", async () => {
    const { capacity } = await search(new FakeDriver(() => ({ rttMs: 50 })));
    expect(capacity).toMatchObject({ highestPassingCcu: 500, limitedBy: "max-bots" });
    expect(capacity.steps).toHaveLength(5);
  });

  it("stops on the generator, not the server, when the bots' input loop falls behind", async () => {
    const { capacity } = await search(new FakeDriver((ccu) => ({ rttMs: 60, lagMs: ccu >= 300 ? 80 : 1 })));
    expect(capacity).toMatchObject({ highestPassingCcu: 200, limitedBy: "generator" });
    expect(capacity.steps.at(-1)).toMatchObject({ ccu: 300, isGeneratorSaturated: true });
  });

  it("with --step-retries re-measures a step that broke the SLO once, and lists both attempts", async () => {
    const noisy = (ccu: number, attempt: number) => ({ rttMs: ccu === 200 && attempt === 1 ? 400 : ccu <= 300 ? 60 : 180 });
    const strict = await search(new FakeDriver(noisy));
    expect(strict.capacity).toMatchObject({ highestPassingCcu: 100, limitedBy: "slo" });

    const driver = new FakeDriver(noisy);
    const retried = await search(driver, ["--step-retries", "1"]);
    expect(retried.capacity).toMatchObject({ highestPassingCcu: 300, limitedBy: "slo", stepRetries: 1 });
    expect(retried.capacity.steps.map((s) => [s.ccu, s.attempt, s.isSloPass])).toEqual([
      [100, 1, true], [200, 1, false], [200, 2, true], [300, 1, true], [400, 1, false], [400, 2, false],
    ]);
    expect(driver.holds).toEqual([100, 200, 200, 300, 400, 400]);
  });

  it("does not retry away errors: a failed join keeps counting against its step", async () => {
    const driver = new FakeDriver((ccu, attempt) => ({ rttMs: 60, failed: ccu === 200 && attempt === 1 ? 1 : 0 }));
    const { capacity } = await search(driver, ["--step-retries", "2"]);
    expect(capacity).toMatchObject({ highestPassingCcu: 100, limitedBy: "slo" });
    expect(capacity.steps.filter((s) => s.ccu === 200).map((s) => s.isSloPass)).toEqual([false, false, false]);
  });

  it("reports the first step's figures when none held", async () => {
    const { capacity, stepReport } = await search(new FakeDriver(() => ({ rttMs: 500 })));
    expect(capacity).toMatchObject({ highestPassingCcu: 0, limitedBy: "slo" });
    expect(stepReport?.bots).toBe(100);
    expect(stepReport?.slo.pass).toBe(false);
  });
});
