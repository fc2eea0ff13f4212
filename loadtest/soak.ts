/**
 * `npm run soak -- [--minutes 30] [--bots 1000] [--workers 2]`
 *
 * A cluster (its own redis-server and `npm run cluster` workers, loopback
 * only) under bot load with churn: bots leave and new ones join all along,
 * and one worker is killed midway (the supervisor restarts it). Reports RSS
 * at start and end and its slope per hour after warm-up, tick overruns,
 * unexpected disconnects, errors and join failures. Bounded in time; stops by itself.
 */
import { Client, type Room } from "@colyseus/sdk";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { nextRandom } from "../src/sim/rng.ts";
import type { PlayerInput } from "../rooms/schema/ArenaState.ts";
import { consecutiveFreePorts, freePort } from "./ports.ts";
import { formatTable } from "./stats.ts";

const { values: args } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    bots: { type: "string", default: "1000" },
    workers: { type: "string", default: "2" },
    "input-hz": { type: "string", default: "10" },
  },
});
const minutes = Number(args.minutes);
const botCount = Number(args.bots);
const workerCount = Number(args.workers);
const inputHz = Number(args["input-hz"]);
if (!(minutes > 0 && minutes <= 24 * 60) || !Number.isInteger(botCount) || botCount < 1 || botCount > 5_000
  || !Number.isInteger(workerCount) || workerCount < 1 || workerCount > 8 || !(inputHz >= 1 && inputHz <= 60)) {
  process.stderr.write("usage: soak [--minutes 0-1440] [--bots 1-5000] [--workers 1-8] [--input-hz 1-60]\n");
  process.exit(2);
}
const WARMUP_MS = Math.min(60_000, minutes * 60_000 * 0.2);
/** Close codes a soak expects: leaving, a restarted worker's clients, a drained worker. */
const EXPECTED_CLOSES = new Set([1000, 4000, 4001, 1006]);

const children: ChildProcess[] = [];
process.on("exit", () => { for (const c of children) c.kill("SIGKILL"); });



// Infrastructure: a private redis-server and the cluster supervisor.
const redisPort = await freePort();
const redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] });
children.push(redis);
await new Promise<void>((resolve) => createInterface({ input: redis.stdout! }).on("line", (l) => { if (l.includes("Ready to accept")) resolve(); }));
const basePort = await consecutiveFreePorts(workerCount);
const supervisor = spawn(process.execPath, [fileURLToPath(new URL("../src/cluster/supervisor.ts", import.meta.url)), "--workers", String(workerCount)], {
  env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${redisPort}`, PORT: String(basePort), HOST: "127.0.0.1", LOG_LEVEL: "warn", ARENA_MAX_CLIENTS: "32",
    // The bots are a load generator on this host: exempt from the per-address matchmaking limits.
    RATE_LIMIT_EXEMPT: "127.0.0.1,::1" },
  stdio: ["ignore", "pipe", "inherit"],
});
children.push(supervisor);
const errorLines: string[] = [];
createInterface({ input: supervisor.stdout! }).on("line", (line) => {
  try {
    const entry = JSON.parse(line) as { event?: string; level?: number; msg?: string };
    if ((entry.level ?? 0) >= 50 && entry.event !== "worker_died") errorLines.push(entry.msg ?? line);
  } catch {
    // a non-JSON line from a worker
  }
});
const endpoints = Array.from({ length: workerCount }, (_, i) => `http://127.0.0.1:${basePort + i}`);
for (const url of endpoints) {
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline) throw new Error(`${url} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

// Figures read from the cluster view and metrics (loopback: no token needed).
async function clusterRss(): Promise<number> {
  const view = await (await fetch(`${endpoints[0]}/admin/api/cluster`)).json() as { processes: { rssBytes: number; stale: boolean }[] };
  return view.processes.filter((p) => !p.stale).reduce((sum, p) => sum + p.rssBytes, 0);
}
/** One unlabelled gauge from a worker's /metrics (NaN when it does not answer). */
async function gauge(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text().catch(() => "");
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.split(" ").at(-1));
}
async function tickOverruns(): Promise<number> {
  let total = 0;
  for (const url of endpoints) {
    const text = await (await fetch(`${url}/metrics`)).text().catch(() => "");
    for (const line of text.split("\n")) if (line.startsWith("gameserver_tick_overruns_total")) total += Number(line.split(" ").at(-1));
  }
  return total;
}

// Bots: light clients (count bytes, never decode), wandering, with churn.
const counters = { joins: 0, joinFailures: 0, unexpectedDisconnects: 0, expectedDisconnects: 0, bytesDown: 0 };
const closeCodes = new Map<number, number>();
const live = new Set<Room>();
const rng = { rngState: 4242 };
let isStopping = false;

async function runBot(index: number): Promise<void> {
  if (isStopping) return;
  const client = new Client(endpoints[index % endpoints.length]!.replace("http", "ws"));
  let room: Room;
  try {
    room = await client.joinOrCreate("arena", { name: `soak${index}` });
    counters.joins++;
  } catch {
    counters.joinFailures++;
    if (!isStopping) setTimeout(() => void runBot(index), 1_000);
    return;
  }
  live.add(room);
  room.reconnection.enabled = false;
  const deliver = room.connection.events.onmessage!;
  let isFirstFrame = true;
  room.connection.events.onmessage = (event: MessageEvent) => {
    counters.bytesDown += (event.data as ArrayBuffer).byteLength;
    // Only the join handshake goes to the SDK: patches are counted, not decoded.
    if (isFirstFrame) { isFirstFrame = false; deliver(event); }
  };
  const input = room.input<PlayerInput>();
  let seq = 0;
  const sender = setInterval(() => {
    if (!room.connection.isOpen) return;
    input.data.seq = ++seq;
    input.data.moveX = Math.floor(nextRandom(rng) * 3) - 1;
    input.data.moveY = Math.floor(nextRandom(rng) * 3) - 1;
    input.data.aim = nextRandom(rng) * Math.PI * 2;
    input.data.fire = nextRandom(rng) < 0.2;
    input.send();
  }, 1000 / inputHz);
  const lifetimeMs = 30_000 + nextRandom(rng) * 90_000;
  const leaveTimer = setTimeout(() => void room.leave(), lifetimeMs);
  room.onLeave((code: number) => {
    clearInterval(sender);
    clearTimeout(leaveTimer);
    live.delete(room);
    closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
    if (EXPECTED_CLOSES.has(code)) counters.expectedDisconnects++;
    else counters.unexpectedDisconnects++;
    // Churn: a new bot takes its place.
    if (!isStopping) setTimeout(() => void runBot(index), 500);
  });
}

const startedAt = Date.now();
const durationMs = minutes * 60_000;
for (let i = 0; i < botCount; i++) {
  void runBot(i);
  if (i % 50 === 49) await new Promise((r) => setTimeout(r, 500)); // ramp at ~100 bots/s
}

// Memory slopes are read on worker 1, which is never restarted (worker N's restart resets its memory).
const rssSamples: { atMs: number; rss: number }[] = [];
const workerRssSamples: { atMs: number; rss: number }[] = [];
const heapSamples: { atMs: number; rss: number }[] = [];
let restarted = false;
const overrunsAtStart = await tickOverruns();
while (Date.now() - startedAt < durationMs) {
  await new Promise((r) => setTimeout(r, 5_000));
  const rss = await clusterRss().catch(() => NaN);
  const workerRss = await gauge(endpoints[0]!, "process_resident_memory_bytes");
  const heap = await gauge(endpoints[0]!, "nodejs_heap_size_used_bytes");
  const atMs = Date.now() - startedAt;
  if (Number.isFinite(rss)) rssSamples.push({ atMs, rss });
  if (Number.isFinite(workerRss)) workerRssSamples.push({ atMs, rss: workerRss });
  if (Number.isFinite(heap)) heapSamples.push({ atMs, rss: heap });
  if (!restarted && Date.now() - startedAt > durationMs / 2) {
    restarted = true;
    const lastWorker = endpoints.at(-1)!;
    const pid = await fetch(`${lastWorker}/healthz`).then(async (r) => ((await r.json()) as { pid: number }).pid, () => undefined);
    if (pid !== undefined) process.kill(pid, "SIGKILL");
    process.stderr.write(`soak: killed worker ${workerCount} (pid ${pid}) midway; the supervisor restarts it\n`);
  }
  const elapsedS = Math.round((Date.now() - startedAt) / 1000);
  process.stderr.write(`soak ${elapsedS}s: bots live ${live.size}/${botCount}, joins ${counters.joins}, join failures ${counters.joinFailures}, `
    + `unexpected disconnects ${counters.unexpectedDisconnects}, cluster RSS ${(rss / 1e6).toFixed(0)} MB, worker 1 heap ${(heap / 1e6).toFixed(0)} MB\n`);
}
isStopping = true;
const overruns = (await tickOverruns()) - overrunsAtStart;
await Promise.all([...live].map((r) => r.leave().catch(() => undefined)));

// RSS slope after warm-up, least squares, as % of the post-warm-up start per hour. The restarted
// worker's fresh process lowers RSS once; the slope is over the whole window regardless.
/**
 * The heap's floor: the lowest sample of each minute, i.e. what survives
 * garbage collection. A leak raises the floor; GC's sawtooth does not.
 */
function perMinuteFloor(samples: { atMs: number; rss: number }[]): { atMs: number; rss: number }[] {
  const floors = new Map<number, { atMs: number; rss: number }>();
  for (const s of samples) {
    const minute = Math.floor(s.atMs / 60_000);
    const floor = floors.get(minute);
    if (floor === undefined || s.rss < floor.rss) floors.set(minute, s);
  }
  return [...floors.values()];
}

function slopePerHourPct(samples: { atMs: number; rss: number }[]): number {
  const afterWarmup = samples.filter((s) => s.atMs >= WARMUP_MS);
  if (afterWarmup.length < 3) return NaN;
  const n = afterWarmup.length;
  const mx = afterWarmup.reduce((s, p) => s + p.atMs, 0) / n;
  const my = afterWarmup.reduce((s, p) => s + p.rss, 0) / n;
  const slopePerMs = afterWarmup.reduce((s, p) => s + (p.atMs - mx) * (p.rss - my), 0) / afterWarmup.reduce((s, p) => s + (p.atMs - mx) ** 2, 0);
  return (slopePerMs * 3_600_000 / afterWarmup[0]!.rss) * 100;
}

const exited = once(supervisor, "exit");
supervisor.kill("SIGTERM");
await exited;
redis.kill("SIGKILL");

const mb = (bytes: number | undefined) => (bytes === undefined ? "-" : `${(bytes / 1e6).toFixed(0)} MB`);
console.log(`\nsoak: ${minutes} min, ${botCount} bots (light: count bytes, ${inputHz} inputs/s, 20% firing), ${workerCount} workers, churn, one worker killed midway`);
console.log(formatTable(
  ["cluster RSS start", "cluster RSS end", "worker 1 RSS slope/h", "worker 1 heap floor slope/h", "tick overruns", "unexpected disconnects", "errors", "joins", "join failures", "close codes"],
  [[
    mb(rssSamples[0]?.rss), mb(rssSamples.at(-1)?.rss), `${slopePerHourPct(workerRssSamples).toFixed(1)}%`,
    `${slopePerHourPct(perMinuteFloor(heapSamples)).toFixed(1)}%`, String(overruns),
    String(counters.unexpectedDisconnects), String(errorLines.length), String(counters.joins), String(counters.joinFailures),
    [...closeCodes].map(([c, n]) => `${c}:${n}`).join(" "),
  ]],
));
if (errorLines.length > 0) console.log(`errors (first 5): ${errorLines.slice(0, 5).join(" | ")}`);
process.exit(0);
