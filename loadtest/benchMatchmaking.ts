/**
 * `npm run bench:matchmaking [-- --joins 900 --rate 300]`
 *
 * Join throughput and latency of `joinOrCreate` (HTTP matchmaking, WebSocket
 * connect, first state), same client load against 1 embedded process and
 * against 3 processes sharing a private redis-server, in one run. Open loop:
 * joins start at a fixed rate whether or not earlier ones finished, so the
 * latency includes any queueing the server causes. Each client leaves once
 * joined, so rooms are created and disposed throughout. Loopback only.
 */
import { Client } from "@colyseus/sdk";
import { parseCommandLine } from "../src/commandLine.ts";
import { checkFlagValues, integerFlag, numberFlag } from "./flagValues.ts";
import { startRedis, startServers } from "./serverFleet.ts";
import { formatTable, percentile } from "./stats.ts";

const USAGE = `usage: npm run bench:matchmaking -- [--joins 900] [--rate 300]

Join throughput and latency of joinOrCreate (HTTP matchmaking, WebSocket connect, first state,
then leave), offered open-loop at a fixed rate, against one embedded server process and then
against three processes sharing a private redis-server (started and stopped here, on free
loopback ports). Prints joins/s, p50 and p99 latency, failures and the generator's CPU per setup.

  --joins N   joins offered per setup, 1-20000 (default 900)
  --rate R    joins offered per second, 1-5000 (default 300)

environment: none (needs redis-server on the PATH).`;
const spec = {
  name: "bench:matchmaking",
  usage: USAGE,
  options: {
    joins: { type: "string", default: "900" },
    rate: { type: "string", default: "300" },
  },
} as const;
const args = parseCommandLine(spec);
const { joins, ratePerS } = checkFlagValues(spec, () => ({
  joins: integerFlag(args.joins, "--joins", 1, 20_000),
  ratePerS: numberFlag(args.rate, "--rate", 1, 5_000),
}));
/** Joins still open at once; past this the generator, not the server, would be measured. */
const MAX_IN_FLIGHT = 1_000;

async function measure(endpoints: string[]) {
  const clients = endpoints.map((url) => new Client(url));
  const latenciesMs: number[] = [];
  let failed = 0;
  let inFlight = 0;
  const joinOne = async (i: number) => {
    inFlight++;
    const t0 = performance.now();
    try {
      const room = await clients[i % clients.length]!.joinOrCreate("arena", { name: `mm${i}` });
      latenciesMs.push(performance.now() - t0);
      await room.leave();
    } catch {
      failed++;
    } finally {
      inFlight--;
    }
  };
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < joins; i++) {
    const due = started + (i * 1000) / ratePerS;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight >= MAX_IN_FLIGHT) { failed++; continue; }
    pending.push(joinOne(i));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    joinsPerS: latenciesMs.length / seconds,
    p50: percentile(latenciesMs, 50),
    p99: percentile(latenciesMs, 99),
    failed,
    generatorCpuPct: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
  };
}

const rows: string[][] = [];
const row = (name: string, r: Awaited<ReturnType<typeof measure>>) => [
  name, String(joins), r.joinsPerS.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1), String(r.failed), `${r.generatorCpuPct.toFixed(0)}%`,
];

const embedded = await startServers(1);
rows.push(row("1 process, embedded", await measure(embedded.endpoints)));
await embedded.stop();

const redis = await startRedis();
const cluster = await startServers(3, redis.url);
rows.push(row("3 processes, Redis", await measure(cluster.endpoints)));
await cluster.stop();
await redis.stop();

console.log(`\nbench:matchmaking: ${joins} joinOrCreate per row offered at ${ratePerS}/s (join = HTTP matchmake + WebSocket `
  + "+ first state, then leave), endpoints used round-robin");
console.log(formatTable(["setup", "joins", "joins/s", "p50 ms", "p99 ms", "failed", "generator CPU"], rows));
process.exit(0);
