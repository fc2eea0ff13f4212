/**
 * The bench's results: one record per contender with the figures the issue
 * asks for, ratios against this server (all players in one room), the
 * targets' verdicts, and their renderings as a plain-text table and a draft
 * of docs/performance.md's bench section.
 */
import { formatTable } from "../stats.ts";
import { playersWithinEgress, type Capacity } from "./capacity.ts";
import { ROOMS_OF_PLAYERS, type ContenderId } from "./contenders.ts";
import type { Measurement } from "./measure.ts";

/** 1 Gbit/s: a common game server VM's uplink, in bytes per second. */
const UPLINK_BYTES_PER_S = 125_000_000;

export interface ContenderResult {
  id: ContenderId;
  label: string;
  hasAcks: boolean;
  bytesPerClientPerS: number;
  serverCpuMsPerS: number;
  serverCpuMsPerSPerClient: number;
  updateIntervalP99Ms: number;
  /** Null where the protocol has no input ack. */
  rttP99Ms: number | null;
  serverRssMb: number;
  capacityPlayers: number;
  /** Capacity counting only steps whose total egress fits a 1 Gbit/s uplink (derived from measured bytes). */
  capacityWithinUplinkPlayers: number;
  generatorCpuPct: number;
  /** The comparison run's generator could not keep up: its figures are the generator's as much as the server's. */
  isGeneratorBound: boolean;
  /** This contender's figure divided by this server's (one room). */
  ratios: { bytes: number; serverCpu: number; capacity: number };
  run: Measurement;
  capacity: Capacity;
}

export interface TargetVerdict {
  target: string;
  /** The measured figure, in the target's direction (bigger is better for this server): a ratio, or players. */
  value: number;
  required: number;
  unit: "ratio" | "players";
  verdict: "met" | "missed" | "inconclusive";
  note: string;
}

export interface BenchResults {
  schemaVersion: 1;
  command: string;
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; os: string };
  scenario: {
    players: number; durationS: number; isQuick: boolean; tickHz: number; patchHz: number; viewRadiusUnits: number;
    nominalIntervalMs: number; intervalBoundMs: number; firingShare: number; probesPerRun: number; capacityWindowS: number;
  };
  pinning: { serverCore: number; generatorCore: number } | null;
  sendLimit: { bytesPerUpdate: number; source: string };
  contenders: ContenderResult[];
  targets: TargetVerdict[];
}

export function contenderResult(id: ContenderId, label: string, hasAcks: boolean, run: Measurement, capacity: Capacity): ContenderResult {
  return {
    id, label, hasAcks,
    bytesPerClientPerS: run.bytesPerClientPerS,
    serverCpuMsPerS: run.serverCpuMsPerS,
    serverCpuMsPerSPerClient: run.serverCpuMsPerSPerClient,
    updateIntervalP99Ms: run.updateIntervalP99Ms,
    rttP99Ms: run.rttP99Ms,
    serverRssMb: run.serverRssMb,
    capacityPlayers: capacity.players,
    capacityWithinUplinkPlayers: playersWithinEgress(capacity, UPLINK_BYTES_PER_S),
    generatorCpuPct: run.generatorCpuPct,
    isGeneratorBound: run.isGeneratorBehind,
    ratios: { bytes: Number.NaN, serverCpu: Number.NaN, capacity: Number.NaN },
    run,
    capacity,
  };
}

/** Fills every contender's ratios against this server with one room (NaN when it did not run). */
export function addRatios(results: ContenderResult[]): void {
  const base = results.find((r) => r.id === "this-server");
  for (const r of results) {
    r.ratios = {
      bytes: base === undefined ? Number.NaN : r.bytesPerClientPerS / base.bytesPerClientPerS,
      serverCpu: base === undefined ? Number.NaN : r.serverCpuMsPerS / base.serverCpuMsPerS,
      capacity: base === undefined ? Number.NaN : r.capacityPlayers / Math.max(1, base.capacityPlayers),
    };
  }
}

const LIMIT_TEXT: Record<Capacity["limitedBy"], string> = {
  interval: "the update interval bound",
  generator: "the load generator",
  ceiling: "the player ceiling",
  steps: "the step limit",
};

function describeCapacity(r: ContenderResult): string {
  const c = r.capacity;
  const fails = c.failedAt !== null ? `, fails at ${c.failedAt}` : c.generatorLimitAt !== null ? `, could not serve ${c.generatorLimitAt}` : "";
  return `${r.label} ${c.isLowerBound ? ">=" : ""}${c.players} (${LIMIT_TEXT[c.limitedBy]}${fails})`;
}

/** Players one process must hold (issue 13). */
const TARGET_PLAYERS = 1_000;
/** This server's two scenarios: every player in one room, rooms of ROOMS_OF_PLAYERS. */
const THIS_SERVER_IDS: readonly ContenderId[] = ["this-server", "this-server-rooms"];

/**
 * The issue's targets, judged from this run: bytes against this server with
 * one room, capacity for each of its scenarios, CPU per player-second from
 * the comparison runs. A capacity that is only a lower bound (">=") makes a
 * verdict inconclusive unless the comparison holds either way.
 */
export function judgeTargets(results: ContenderResult[]): TargetVerdict[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  const self = byId.get("this-server");
  const scenarios = THIS_SERVER_IDS.map((id) => byId.get(id)).filter((r) => r !== undefined);
  const verdicts: TargetVerdict[] = [];
  const failedRuns = (...runs: ContenderResult[]) =>
    runs.filter((r) => !r.run.isPass).map((r) => `${r.label}'s run failed (${r.run.failure})`).join("; ");
  const bytes = (self: ContenderResult, id: ContenderId, required: number) => {
    const other = byId.get(id);
    if (other === undefined) return;
    const value = other.bytesPerClientPerS / self.bytesPerClientPerS;
    const caveat = failedRuns(self, other);
    verdicts.push({
      target: `>= ${required}x fewer bytes per client than ${other.label}`,
      value, required, unit: "ratio",
      verdict: value >= required ? "met" : "missed",
      note: `${other.bytesPerClientPerS.toFixed(0)} vs ${self.bytesPerClientPerS.toFixed(0)} B/client/s${caveat === "" ? "" : `; ${caveat}`}`,
    });
  };
  const players = (self: ContenderResult, required: number) => {
    const c = self.capacity;
    const verdict = c.players >= required ? "met" : c.isLowerBound ? "inconclusive" : "missed";
    verdicts.push({
      target: `${self.label}: >= ${required.toLocaleString("en-US")} players in one process`,
      value: c.players, required, unit: "players", verdict, note: describeCapacity(self),
    });
  };
  const cpu = (self: ContenderResult, id: ContenderId) => {
    const other = byId.get(id);
    if (other === undefined) return;
    const value = other.serverCpuMsPerSPerClient / self.serverCpuMsPerSPerClient;
    const caveat = failedRuns(self, other);
    verdicts.push({
      target: `CPU per player-second <= ${other.label}'s (at ${self.run.players} players)`,
      value, required: 1, unit: "ratio",
      // A failed run did not carry the scenario's load: its CPU per player says little.
      verdict: caveat !== "" ? "inconclusive" : value >= 1 ? "met" : "missed",
      note: `${self.serverCpuMsPerSPerClient.toFixed(2)} vs ${other.serverCpuMsPerSPerClient.toFixed(2)} CPU ms/s per client${caveat === "" ? "" : `; ${caveat}`}`,
    });
  };
  const capacity = (self: ContenderResult, id: ContenderId, required: number, target: string) => {
    const other = byId.get(id);
    if (other === undefined) return;
    const value = self.capacity.players / Math.max(1, other.capacity.players);
    const a = self.capacity.isLowerBound;
    const b = other.capacity.isLowerBound;
    let verdict: TargetVerdict["verdict"];
    if (!a && !b) verdict = value >= required ? "met" : "missed";
    else if (a && !b) verdict = value >= required ? "met" : "inconclusive";
    else if (!a && b) verdict = value < required ? "missed" : "inconclusive";
    else verdict = "inconclusive";
    verdicts.push({ target, value, required, unit: "ratio", verdict, note: `${describeCapacity(self)} vs ${describeCapacity(other)}` });
  };
  if (self !== undefined) {
    bytes(self, "naive-json-ws", 10);
    bytes(self, "stock-colyseus", 3);
  }
  for (const scenario of scenarios) players(scenario, TARGET_PLAYERS);
  if (self !== undefined) cpu(self, "naive-json-ws");
  for (const scenario of scenarios) capacity(scenario, "send-limit", 0.5, `${scenario.label}: >= 50% of the send limit's players`);
  return verdicts;
}

const num = (v: number | null, digits = 0) => (v === null ? "n/a" : Number.isFinite(v) ? v.toFixed(digits) : "-");
const ratio = (v: number) => (!Number.isFinite(v) ? "-" : v >= 100 ? `${v.toFixed(0)}x` : v >= 10 ? `${v.toFixed(1)}x` : `${v.toFixed(2)}x`);

export function renderTable(results: BenchResults): string {
  const rows = results.contenders.map((r) => {
    const notes = [
      r.isGeneratorBound ? "generator-bound run" : "",
      r.run.isContended
        ? `busy cores (run-queue wait: server ${r.run.serverRunQueueWaitMsPerS.toFixed(0)}, generator ${r.run.generatorRunQueueWaitMsPerS.toFixed(0)} ms/s)`
        : "",
      r.run.rooms > 1 ? `${r.run.rooms} rooms` : "",
      r.run.isPass ? "" : `run failed: ${r.run.failure}`,
      `capacity: ${LIMIT_TEXT[r.capacity.limitedBy]}${r.capacity.failedAt !== null ? ` (fails at ${r.capacity.failedAt})`
        : r.capacity.generatorLimitAt !== null ? ` (could not serve ${r.capacity.generatorLimitAt})` : ""}`,
    ].filter((n) => n !== "").join("; ");
    return [
      r.label,
      num(r.bytesPerClientPerS), ratio(r.ratios.bytes),
      num(r.run.updatesPerClientPerS, 1), num(r.run.entitiesPerUpdate, 1),
      num(r.serverCpuMsPerS), num(r.serverCpuMsPerSPerClient, 2),
      num(r.updateIntervalP99Ms), num(r.rttP99Ms),
      num(r.serverRssMb),
      `${r.capacity.isLowerBound ? ">=" : ""}${r.capacityPlayers}`, ratio(r.ratios.capacity),
      String(r.capacityWithinUplinkPlayers),
      `${num(r.generatorCpuPct)}%`,
      `${num(r.run.serverRunQueueWaitMsPerS)}/${num(r.run.generatorRunQueueWaitMsPerS)}`,
      notes,
    ];
  });
  return formatTable(
    ["contender", "B/client/s", "bytes ratio", "updates/s", "seen/update", "CPU ms/s", "CPU ms/s/client",
      "interval p99 ms", "RTT p99 ms", "RSS MB", "capacity", "capacity ratio", "in 1 Gbit/s", "gen CPU", "wait ms/s", "notes"],
    rows,
    ["left", ...Array.from({ length: 14 }, () => "right" as const), "left"],
  );
}

/** What the columns mean, printed under the table. */
export function renderLegend(results: BenchResults): string {
  return [
    "B/client/s: WebSocket bytes (payload + frame header) each client received per second; ratios are the contender's figure / this server's"
      + " (one room).",
    `updates/s: state updates per client per second (nominal ${results.scenario.patchHz}); seen/update: players + projectiles a decoding probe holds.`,
    "CPU ms/s: the server process's CPU time per second of wall time (1000 = one core), then per client; RSS: its resident memory at the end.",
    "interval p99: gap between consecutive updates at a client; RTT p99: input sent -> first update acknowledging it (n/a: no ack).",
    `capacity: most players with interval p99 <= ${results.scenario.intervalBoundMs} ms (">=": a lower bound); in 1 Gbit/s: the same, counting only`
      + " steps whose total egress (players x B/client/s) fits a 1 Gbit/s uplink.",
    "gen CPU: the load generator, % of its core; wait ms/s: time the server/generator main thread waited for its core beyond its own"
      + " threads' CPU, i.e. other processes on it (above 50: a busy core, failed steps are measured again).",
    `send limit: ${results.sendLimit.bytesPerUpdate} B per update (${results.sendLimit.source}).`,
  ].join("\n");
}

export function renderTargets(results: BenchResults): string {
  const figure = (t: TargetVerdict, v: number) => (t.unit === "players" ? v.toLocaleString("en-US") : ratio(v));
  const lines = results.targets.map((t) => `- ${t.target}: **${t.verdict}**, ${figure(t, t.value)} (needs ${figure(t, t.required)}); ${t.note}`);
  const self = results.contenders.find((c) => c.id === "this-server");
  if (self !== undefined) {
    const others = results.contenders.filter((c) => c.id === "naive-json-ws" || c.id === "socket-io");
    if (others.length > 0) {
      // Issue 8's ">= 2x their players": their searches end at the load generator, so a lower bound against a lower bound.
      lines.push(`- context, not a target (issue 8's ">= 2x the players"): ${describeCapacity(self)} vs ${others.map(describeCapacity).join(", ")}.`);
      lines.push(`- context, not a target: counting only steps whose egress fits a 1 Gbit/s uplink, this server `
        + `${self.capacityWithinUplinkPlayers} players vs ${others.map((c) => `${c.label} ${c.capacityWithinUplinkPlayers}`).join(", ")}.`);
    }
  }
  return lines.join("\n");
}

/** A draft of docs/performance.md's bench section for this run. */
export function renderMarkdown(results: BenchResults): string {
  const s = results.scenario;
  const m = results.machine;
  const pinning = results.pinning === null
    ? "no taskset: processes unpinned"
    : `each server pinned to core ${results.pinning.serverCore}, the load generator to core ${results.pinning.generatorCore}`;
  return [
    "### Against the usual alternatives (`npm run bench`)",
    "",
    `Measured ${results.date.slice(0, 10)} on ${m.cpus} cores (${m.cpuModel}), Node ${m.node}, ${m.os}: \`${results.command}\`;`,
    `${s.players} players (this server: all in one arena, and in arenas of ${ROOMS_OF_PLAYERS} placed by matchmaking), `
      + `${s.tickHz} Hz simulation, ${s.patchHz} Hz updates, view radius ${s.viewRadiusUnits} u, ${s.durationS} s measured; ${pinning}. `
      + `Capacity: most players with update interval p99 <= ${s.intervalBoundMs} ms (${s.capacityWindowS} s per step).`,
    "",
    "```",
    renderTable(results),
    "```",
    "",
    renderLegend(results),
    "",
    renderTargets(results),
    "",
  ].join("\n");
}
