/**
 * `npm run bench:tick [-- --players 16,64,128 --seconds 10] [--bytes-only]`
 *
 * In-process cost of the arena room. The server runs in this process (pinned
 * to core 0) and the harness times, per tick, the simulation step and, per
 * patch, the interest update + encoding of every client's view, separately
 * from the socket writes. N real SDK clients in a child process (pinned to
 * core 1) move, aim and fire every tick and count the patch bytes they get.
 * Then the bytes a moved entity costs, by ref-id band, isolated and all-in,
 * and the packed-position experiment (entityBytesReport.ts); `--bytes-only`
 * prints just that part (deterministic, no server).
 */
import { WebSocketClient } from "@colyseus/ws-transport";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { buildApp } from "../src/app.ts";
import { failUsage, parseCommandLine } from "../src/commandLine.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/logger.ts";
import type { ArenaTelemetry } from "../rooms/settings.ts";
import type { BenchTickClientsJob, BenchTickClientsResult } from "./benchTickClients.ts";
import { entityBytesReport, type LiveBytesRow } from "./entityBytesReport.ts";
import { ARENA_LEVEL } from "../src/sim/level.ts";
import { nextRandom } from "../src/sim/rng.ts";
import { addPlayer, applyInput, createWorld, stepWorld } from "../src/sim/world.ts";
import { formatTable, percentile } from "./stats.ts";

const USAGE = `usage: npm run bench:tick -- [--players 16,64,128] [--seconds 10] [--port 2599] [--bytes-only]

In-process cost of the arena room, per player count: the server runs in this process (pinned to
core 0), real SDK clients in a child process (pinned to core 1) move, aim and fire every tick.
Prints the tick's simulation time, each patch's encode and send time, bytes per client, the
server's CPU and what metrics cost; then the bytes a moved entity costs, by ref-id band.

  --players LIST   comma-separated player counts, each 1-256, one row each (default 16,64,128)
  --seconds S      seconds measured per row, above 0, at most 120 (default 10)
  --port P         loopback port of the in-process server (default 2599)
  --bytes-only     only the bytes-per-entity part (deterministic, no server, a few seconds)

environment: none (the server's settings are fixed here: the defaults, ARENA_MAX_CLIENTS 256).`;
const spec = {
  name: "bench:tick",
  usage: USAGE,
  options: {
    players: { type: "string", default: "16,64,128" },
    seconds: { type: "string", default: "10" },
    port: { type: "string", default: "2599" },
    "bytes-only": { type: "boolean", default: false },
  },
} as const;
const args = parseCommandLine(spec);
const playerCounts = args.players.split(",").map(Number);
const measureMs = Number(args.seconds) * 1000;
if (playerCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 256)) failUsage(spec, `--players must be comma-separated integers from 1 to 256 (got "${args.players}")`);
if (!(measureMs > 0 && measureMs <= 120_000)) failUsage(spec, `--seconds must be a number above 0 and at most 120 (got "${args.seconds}")`);

const hasTaskset = spawnSync("taskset", ["-V"]).status === 0;
if (hasTaskset) spawnSync("taskset", ["-a", "-cp", "0", String(process.pid)]);

/** Time spent writing to sockets, so a patch's encode time can be told from its send time. */
let sendMicros = 0;
const originalRaw = WebSocketClient.prototype.raw;
WebSocketClient.prototype.raw = function (this: WebSocketClient, ...rawArgs: Parameters<typeof originalRaw>) {
  const started = performance.now();
  try {
    return originalRaw.apply(this, rawArgs);
  } finally {
    sendMicros += (performance.now() - started) * 1000;
  }
};

const samples = { sim: [] as number[], encode: [] as number[], send: [] as number[], simPlusEncode: [] as number[] };
let isRecording = false;
let lastSimMicros = 0;
let sendAtPatchStart = 0;
const telemetry: ArenaTelemetry = {
  onTick(_room, simMicros) {
    lastSimMicros = simMicros;
    if (isRecording) samples.sim.push(simMicros);
    sendAtPatchStart = sendMicros; // sends between ticks and patches are not patch sends
  },
  onPatch(_room, patchMicros) {
    const send = sendMicros - sendAtPatchStart;
    sendAtPatchStart = sendMicros;
    if (!isRecording) return;
    const encode = patchMicros - send;
    samples.encode.push(encode);
    samples.send.push(send);
    samples.simPlusEncode.push(lastSimMicros + encode);
  },
};

const config = loadConfig({
  PORT: args.port, HOST: "127.0.0.1", ARENA_MAX_CLIENTS: "256", LOG_LEVEL: "warn", ADMIN_PORT: "0", RATE_LIMIT_EXEMPT: "127.0.0.1,::1",
});
const middlePlayers = playerCounts[Math.floor(playerCounts.length / 2)]!;
const bytesOptions = {
  replayPlayers: middlePlayers, replaySeconds: Number(args.seconds),
  tickHz: config.tickHz, patchHz: config.patchHz, viewRadiusUnits: config.viewRadiusUnits,
};
if (args["bytes-only"]) {
  console.log(entityBytesReport({ live: [], ...bytesOptions }));
  process.exit(0);
}

const app = buildApp(config, { logger: createLogger(config.logLevel), telemetry });
await app.listen();

const generator = fileURLToPath(new URL("./benchTickClients.ts", import.meta.url));
/**
 * Per-tick cost of the metrics in the hot path: one histogram observe per tick
 * and per patch (20 patches per 30 ticks), timed in a tight loop. The
 * once-a-second samples are timed where they run (the monitor's own clock).
 */
function metricsHotPathUsPerTick(): number {
  const metrics = app.metrics;
  if (metrics === undefined) return 0;
  const probe = { roomId: "bench-probe", roomType: "arena" };
  const rounds = 200_000;
  const started = performance.now();
  for (let i = 0; i < rounds; i++) {
    metrics.onTick(probe, 300);
    if (i % 3 !== 2) metrics.onPatch(probe, 900);
  }
  return ((performance.now() - started) * 1000) / rounds;
}
const metricsUsPerTick = metricsHotPathUsPerTick();

const rows: string[][] = [];
const liveBytes: LiveBytesRow[] = [];
// Every row runs with metrics and monitoring on (as shipped); the middle count runs again with them
// off, so the table shows what collecting them costs.
const scenarios = [
  ...playerCounts.map((players) => ({ players, isMonitoring: true })),
  { players: middlePlayers, isMonitoring: false },
];
for (const { players, isMonitoring } of scenarios) {
  app.setMonitoring(isMonitoring);
  const warmupMs = 3_000;
  const job: BenchTickClientsJob = {
    url: `ws://127.0.0.1:${config.port}`, mode: `bench-${players}`, players, tickHz: config.tickHz, warmupMs, measureMs,
  };
  for (const list of Object.values(samples)) list.length = 0;
  const command = hasTaskset ? "taskset" : process.execPath;
  const commandArgs = hasTaskset ? ["-c", "1", process.execPath, generator, JSON.stringify(job)] : [generator, JSON.stringify(job)];
  const running = promisify(execFile)(command, commandArgs, { maxBuffer: 1 << 20, timeout: warmupMs + measureMs + 120_000 });
  // Record on the server over the window the clients measure in (joins take a moment; close enough).
  let cpuAtStart = process.cpuUsage();
  let monitorAtStart = 0;
  let recordStartedAt = 0;
  const recorder = setTimeout(() => {
    isRecording = true;
    cpuAtStart = process.cpuUsage();
    monitorAtStart = app.monitoringBusyMicros();
    recordStartedAt = performance.now();
  }, warmupMs + players * 5);
  const { stdout } = await running;
  clearTimeout(recorder);
  isRecording = false;
  const cpu = process.cpuUsage(cpuAtStart);
  const recordedS = (performance.now() - recordStartedAt) / 1000;
  const serverCpuMsPerS = ((cpu.user + cpu.system) / 1000) / recordedS;
  const monitorUsPerTick = (app.monitoringBusyMicros() - monitorAtStart) / recordedS / config.tickHz;
  const r = JSON.parse(stdout.trim().split("\n").at(-1)!) as BenchTickClientsResult;
  const seconds = r.measuredMs / 1000;
  const us = (list: number[], p: number) => percentile(list, p).toFixed(0);
  rows.push([
    String(players),
    isMonitoring ? "on" : "off",
    us(samples.sim, 50), us(samples.sim, 99),
    us(samples.encode, 50), us(samples.encode, 99),
    us(samples.simPlusEncode, 99),
    us(samples.send, 50),
    (r.patchBytes / r.joined / seconds).toFixed(0),
    (r.changedEntities / Math.max(1, r.patches)).toFixed(1),
    (r.patchBytes / Math.max(1, r.changedEntities)).toFixed(1),
    serverCpuMsPerS.toFixed(0),
    isMonitoring ? (monitorUsPerTick + metricsUsPerTick).toFixed(1) : "-",
    `${r.generatorCpuPct.toFixed(0)}%`,
  ]);
  liveBytes.push({ label: `${players}${isMonitoring ? "" : ", metrics off"}`, patches: r.patches, patchBytes: r.patchBytes, tally: r.tally });
}

const reference = await pureSimReference(64, config.tickHz);

console.log(`\nbench:tick: ${config.tickHz} Hz sim, ${config.patchHz} Hz patches, view radius ${config.viewRadiusUnits} u, `
  + `${args.seconds} s measured per row, server on core 0${hasTaskset ? ", clients on core 1" : " (no taskset: unpinned)"}`);
console.log(formatTable(
  ["players", "metrics", "sim p50 us", "sim p99 us", "encode p50 us", "encode p99 us", "sim+encode p99 us", "send p50 us",
    "B/client/s", "changed/patch", "B/changed", "server CPU ms/s", "metrics us/tick", "generator CPU"],
  rows,
));
console.log("sim: one tick (inputs, world step, its events). encode: one patch (player schema sync, interest update, every view's encode).");
console.log("sim+encode: a tick that also patches. changed: visible entities that moved or came into view, per client per patch.");
console.log("metrics: Prometheus metrics and the once-a-second monitoring samples on or off. server CPU: the whole server process.");
console.log(`metrics us/tick: the monitoring samples' measured time per tick plus the hot-path observes (${metricsUsPerTick.toFixed(2)} us per tick, timed in a loop); the tick budget is ${(1e6 / config.tickHz).toFixed(0)} us.`);
console.log(`reference, pure simulation of 64 players without the room: ${reference.tightP50.toFixed(0)} us p50 back to back; `
  + `${reference.spacedP50.toFixed(0)} us p50 / ${reference.spacedP99.toFixed(0)} us p99 when run at ${config.tickHz} Hz like the room `
  + "(the gap is this machine's idle-CPU and scheduling noise, which every row above also carries).");
console.log(entityBytesReport({ live: liveBytes, ...bytesOptions }));
await app.server.gracefullyShutdown(false);
process.exit(0);

/**
 * The same pure step the room runs, timed back to back and then at the tick
 * rate: a noise floor measured by the same clock in the same run.
 */
async function pureSimReference(players: number, tickHz: number) {
  const world = createWorld(1, tickHz, ARENA_LEVEL);
  const rng = { rngState: 7 };
  const bots = Array.from({ length: players }, (_, i) => ({
    player: addPlayer(world, `p${i}`, `p${i}`),
    input: { moveX: 1, moveY: 0, aim: 0, fire: i % 5 === 0 },
  }));
  const tick = () => {
    const started = performance.now();
    for (const { player, input } of bots) {
      if (nextRandom(rng) < 0.03) {
        input.moveX = Math.floor(nextRandom(rng) * 3) - 1;
        input.moveY = Math.floor(nextRandom(rng) * 3) - 1;
      }
      input.aim = (input.aim + 0.05) % (2 * Math.PI);
      applyInput(world, player, input);
    }
    stepWorld(world);
    return (performance.now() - started) * 1000;
  };
  const tight = Array.from({ length: 3_000 }, tick);
  const spaced: number[] = [];
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      spaced.push(tick());
      if (spaced.length === tickHz * 10) { clearInterval(timer); resolve(); }
    }, 1000 / tickHz);
  });
  return { tightP50: percentile(tight, 50), spacedP50: percentile(spaced, 50), spacedP99: percentile(spaced, 99) };
}
