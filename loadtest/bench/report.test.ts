import { describe, expect, it } from "vitest";
import type { Capacity, CapacityLimit } from "./capacity.ts";
import type { ContenderId } from "./contenders.ts";
import type { Measurement } from "./measure.ts";
import { addRatios, contenderResult, judgeTargets, type ContenderResult } from "./report.ts";

interface Figures {
  bytes?: number;
  cpuPerClient?: number;
  capacity?: number;
  limitedBy?: CapacityLimit;
  isPass?: boolean;
}

function run(id: ContenderId, players: number, f: Figures): Measurement {
  const nan = Number.NaN;
  return {
    contender: id, players, joined: players, connectedAtEnd: players, rooms: 1, joinMs: 100, measuredS: 30,
    bytesPerClientPerS: f.bytes ?? 1_000, updatesPerClientPerS: 20, updatePayloadBytes: 100,
    serverCpuMsPerS: (f.cpuPerClient ?? 1) * players, serverCpuMsPerSPerClient: f.cpuPerClient ?? 1, serverRssMb: 100,
    updateIntervalP50Ms: 50, updateIntervalP99Ms: f.isPass === false ? 150 : 55, updateIntervalMaxMs: 200,
    rttP50Ms: null, rttP99Ms: null, entitiesPerUpdate: null, generatorCpuPct: 10, inputLoopLagP99Ms: 1,
    isGeneratorSaturated: false, isGeneratorBehind: false, isServerCoreFull: false,
    serverRunQueueWaitMsPerS: 0, generatorRunQueueWaitMsPerS: 0, isContended: false, disconnects: 0, errors: [],
    windowStartMs: nan, windowEndMs: nan,
    isPass: f.isPass ?? true, failure: f.isPass === false ? "interval p99 150 ms > 100 ms" : "",
  };
}

function result(id: ContenderId, f: Figures): ContenderResult {
  const limitedBy = f.limitedBy ?? "interval";
  const players = f.capacity ?? 500;
  const capacity: Capacity = {
    players, limitedBy, isLowerBound: limitedBy !== "interval",
    failedAt: limitedBy === "interval" ? players + 50 : null, generatorLimitAt: limitedBy === "generator" ? players + 50 : null, steps: [],
  };
  return contenderResult(id, id, false, run(id, 100, f), capacity);
}

const verdicts = (results: ContenderResult[]) => Object.fromEntries(judgeTargets(results).map((t) => [t.target, t.verdict]));

describe("judgeTargets", () => {
  it("judges bytes, 1,000 players and the send limit for each of this server's scenarios, and CPU against naive JSON", () => {
    const results = [
      result("this-server", { bytes: 2_000, cpuPerClient: 0.9, capacity: 1_200 }),
      result("this-server-rooms", { bytes: 1_800, cpuPerClient: 0.7, capacity: 900 }),
      result("naive-json-ws", { bytes: 300_000, cpuPerClient: 1, capacity: 3_000, limitedBy: "generator" }),
      result("socket-io", { bytes: 400_000, capacity: 2_000, limitedBy: "generator" }),
      result("stock-colyseus", { bytes: 5_000, capacity: 300 }),
      result("send-limit", { bytes: 2_000, capacity: 2_000 }),
    ];
    expect(verdicts(results)).toEqual({
      ">= 10x fewer bytes per client than naive-json-ws": "met",
      ">= 3x fewer bytes per client than stock-colyseus": "missed",
      "this-server: >= 1,000 players in one process": "met",
      "this-server-rooms: >= 1,000 players in one process": "missed",
      "CPU per player-second <= naive-json-ws's (at 100 players)": "met",
      "this-server: >= 50% of the send limit's players": "met",
      "this-server-rooms: >= 50% of the send limit's players": "missed",
    });
    const players = judgeTargets(results).find((t) => t.target.startsWith("this-server: >= 1,000"));
    expect(players).toMatchObject({ value: 1_200, required: 1_000, unit: "players" });
  });

  it("calls a capacity below its target that is only a lower bound inconclusive, and one at or above it met", () => {
    const results = [
      result("this-server", { capacity: 800, limitedBy: "generator" }),
      result("this-server-rooms", { capacity: 1_000, limitedBy: "ceiling" }),
    ];
    expect(verdicts(results)).toEqual({
      "this-server: >= 1,000 players in one process": "inconclusive",
      "this-server-rooms: >= 1,000 players in one process": "met",
    });
  });

  it("finds the send-limit target inconclusive when the send limit's capacity is a lower bound, unless this server misses it for sure", () => {
    const results = [
      result("this-server", { capacity: 1_500 }),
      result("this-server-rooms", { capacity: 400 }),
      result("send-limit", { capacity: 1_000, limitedBy: "ceiling" }),
    ];
    expect(verdicts(results)).toMatchObject({
      "this-server: >= 50% of the send limit's players": "inconclusive",
      "this-server-rooms: >= 50% of the send limit's players": "missed",
    });
  });

  it("finds the CPU target missed when this server costs more per player, inconclusive when either run failed", () => {
    expect(verdicts([result("this-server", { cpuPerClient: 1.6 }), result("naive-json-ws", { cpuPerClient: 1 })]))
      .toMatchObject({ "CPU per player-second <= naive-json-ws's (at 100 players)": "missed" });
    expect(verdicts([result("this-server", { cpuPerClient: 0.5 }), result("naive-json-ws", { cpuPerClient: 1, isPass: false })]))
      .toMatchObject({ "CPU per player-second <= naive-json-ws's (at 100 players)": "inconclusive" });
  });

  it("judges nothing against a contender that did not run", () => {
    expect(judgeTargets([result("naive-json-ws", {}), result("send-limit", {})])).toEqual([]);
  });
});

describe("addRatios", () => {
  it("divides by this server with one room, not by its rooms scenario", () => {
    const results = [
      result("this-server", { bytes: 2_000, capacity: 400 }),
      result("this-server-rooms", { bytes: 1_000, capacity: 1_600 }),
    ];
    addRatios(results);
    expect(results.map((r) => r.ratios)).toEqual([
      { bytes: 1, serverCpu: 1, capacity: 1 },
      { bytes: 0.5, serverCpu: 1, capacity: 4 },
    ]);
  });
});
