/**
 * `npm run bench:listings [-- --listings 100,1000,5000,20000 --processes 1,3 --joins 400 --concurrency 16]`
 *
 * How far one Redis carries the room listings. Every joinOrCreate reads every listing (Colyseus'
 * RedisDriver keeps them in one hash, `roomcaches`, and reads it whole with HGETALL; concurrent
 * reads in one process share one HGETALL). This fills a private redis-server with N synthetic
 * listings of the arena room type in a mode no client asks for, so each is read and parsed and
 * none matches, then measures the matchmaking call (HTTP joinOrCreate: the seat reservation) from
 * C concurrent callers against 1 and 3 server processes: joins/s, p50/p99 and Redis CPU per join.
 */
import { Redis } from "ioredis";
import { parseCommandLine } from "../src/commandLine.ts";
import { checkFlagValues, FlagError, integerFlag } from "./flagValues.ts";
import { startRedis, startServers } from "./serverFleet.ts";
import { formatTable, percentile } from "./stats.ts";

const USAGE = `usage: npm run bench:listings -- [--listings 100,1000,5000,20000] [--processes 1,3] [--joins 400] [--concurrency 16]

Matchmaking against a Redis holding N room listings: for each N and each process count, a private
redis-server (free loopback port) gets N synthetic listings whose mode never matches, P server
processes start on it, and C callers make joinOrCreate calls (the HTTP seat reservation) back to
back until J have answered. Prints joins/s, p50 and p99 latency, failures and Redis CPU per join.

  --listings LIST     comma-separated listing counts, each 0-100000 (default 100,1000,5000,20000)
  --processes LIST    comma-separated server process counts, each 1-8 (default 1,3)
  --joins J           joins measured per row, 10-5000 (default 400)
  --concurrency C     joins in flight at once, 1-200 (default 16)

environment: none (needs redis-server on the PATH).`;
const spec = {
  name: "bench:listings",
  usage: USAGE,
  options: {
    listings: { type: "string", default: "100,1000,5000,20000" },
    processes: { type: "string", default: "1,3" },
    joins: { type: "string", default: "400" },
    concurrency: { type: "string", default: "16" },
  },
} as const;
const args = parseCommandLine(spec);
const { listingCounts, processCounts, joins, concurrency } = checkFlagValues(spec, () => ({
  listingCounts: integerList(args.listings, "--listings", 0, 100_000),
  processCounts: integerList(args.processes, "--processes", 1, 8),
  joins: integerFlag(args.joins, "--joins", 10, 5_000),
  concurrency: integerFlag(args.concurrency, "--concurrency", 1, 200),
}));
/** A row that has not finished by then is cut short (and says so in its failures). */
const ROW_DEADLINE_MS = 120_000;
const WARMUP_JOINS = 20;
/** No client asks for it, so every synthetic listing is read and parsed, and none is taken. */
const SYNTHETIC_MODE = "synthetic-never-matches";

/** A comma-separated list of whole numbers, each within [min, max]. */
function integerList(raw: string, name: string, min: number, max: number): number[] {
  try {
    return raw.split(",").map((value) => integerFlag(value.trim(), name, min, max));
  } catch (error) {
    if (error instanceof FlagError) throw new FlagError(`${name} must be comma-separated integers from ${min} to ${max} (got "${raw}")`);
    throw error;
  }
}

/** Listings shaped exactly as Colyseus writes them for an arena room, in batches of 1,000. */
async function fillListings(redis: Redis, count: number): Promise<void> {
  const createdAt = new Date().toISOString();
  for (let start = 0; start < count; start += 1_000) {
    const batch = redis.pipeline();
    for (let i = start; i < Math.min(count, start + 1_000); i++) {
      const roomId = `synthetic${String(i).padStart(6, "0")}`;
      batch.hset("roomcaches", roomId, JSON.stringify({
        clients: 0, maxClients: 64, locked: false, private: false, metadata: { mode: SYNTHETIC_MODE }, createdAt,
        unlisted: false, name: "arena", processId: "synthetic", publicAddress: "127.0.0.1:1", roomId,
      }));
    }
    await batch.exec();
  }
}

/** Redis's own CPU so far (user + system, all threads), in milliseconds. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = (await redis.info("cpu")).replace(/\r/g, "");
  const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)$`, "m").exec(info)?.[1] ?? Number.NaN);
  return (seconds("used_cpu_user") + seconds("used_cpu_sys")) * 1000;
}

interface Row {
  listings: number;
  processes: number;
  joinsPerS: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  redisCpuMsPerJoin: number;
  listingsKiB: number;
}

/** C callers, each making joinOrCreate calls back to back, round-robin over the endpoints, until `count` have answered. */
async function joinBackToBack(endpoints: string[], count: number, tag: string) {
  const latenciesMs: number[] = [];
  let failed = 0;
  let started = 0;
  const deadline = performance.now() + ROW_DEADLINE_MS;
  const caller = async () => {
    while (started < count && performance.now() < deadline) {
      const i = started++;
      const endpoint = endpoints[i % endpoints.length]!.replace(/^ws/, "http");
      const t0 = performance.now();
      try {
        const response = await fetch(`${endpoint}/matchmake/joinOrCreate/arena`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify({ mode: "bench", name: `${tag}${i}` }),
        });
        await response.arrayBuffer();
        if (response.ok) latenciesMs.push(performance.now() - t0);
        else failed++;
      } catch {
        failed++;
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { latenciesMs, failed: failed + (count - started), seconds: (performance.now() - t0) / 1000 };
}

async function measure(listings: number, processes: number): Promise<Row> {
  const redisServer = await startRedis();
  const redis = new Redis(redisServer.url);
  try {
    await fillListings(redis, listings);
    const fleet = await startServers(processes, redisServer.url);
    try {
      await joinBackToBack(fleet.endpoints, WARMUP_JOINS, "warm");
      const cpuBefore = await redisCpuMs(redis);
      const run = await joinBackToBack(fleet.endpoints, joins, "bench");
      const cpuMs = (await redisCpuMs(redis)) - cpuBefore;
      const stillThere = (await redis.hkeys("roomcaches")).filter((id) => id.startsWith("synthetic")).length;
      if (stillThere !== listings) throw new Error(`${listings - stillThere} synthetic listings vanished during the row`);
      return {
        listings, processes,
        joinsPerS: run.latenciesMs.length / run.seconds,
        p50Ms: percentile(run.latenciesMs, 50),
        p99Ms: percentile(run.latenciesMs, 99),
        failed: run.failed,
        redisCpuMsPerJoin: cpuMs / Math.max(1, run.latenciesMs.length + run.failed),
        listingsKiB: ((await redis.memory("USAGE", "roomcaches")) ?? 0) / 1024,
      };
    } finally {
      await fleet.stop();
    }
  } finally {
    redis.disconnect();
    await redisServer.stop();
  }
}

const rows: Row[] = [];
for (const listings of listingCounts) {
  for (const processes of processCounts) {
    const row = await measure(listings, processes);
    rows.push(row);
    console.error(`listings ${listings}, ${processes} process(es): ${row.joinsPerS.toFixed(0)} joins/s, p99 ${row.p99Ms.toFixed(1)} ms`);
  }
}

console.log(`\nbench:listings: ${joins} joinOrCreate calls (HTTP seat reservation) per row, ${concurrency} in flight, `
  + "endpoints round-robin; every listing is in one Redis hash, read whole by each call");
console.log(formatTable(
  ["listings", "processes", "joins/s", "p50 ms", "p99 ms", "failed", "Redis CPU ms/join", "listings KiB"],
  rows.map((r) => [
    r.listings.toLocaleString("en-US"), String(r.processes), r.joinsPerS.toFixed(0), r.p50Ms.toFixed(1), r.p99Ms.toFixed(1),
    String(r.failed), r.redisCpuMsPerJoin.toFixed(2), r.listingsKiB.toFixed(0),
  ]),
));
process.exit(0);
