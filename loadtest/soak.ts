/**
 * `npm run soak -- [--minutes 30] [--bots 1000] [--workers 2] [--no-kill | --kill-at MIN]`
 *
 * A cluster of its own under churning bots for a fixed time, then a report of
 * memory slopes (RSS and post-GC heap, per worker process, after warm-up),
 * tick overruns, unexpected disconnects, server errors and failed joins by
 * reason. Run with --help for the flags. Bounded in time; stops by itself.
 */
import { writeFile } from "node:fs/promises";
import { failUsage } from "../src/commandLine.ts";
import { SoakBots } from "./soakBots.ts";
import { SoakCluster } from "./soakCluster.ts";
import { parseSoakArgs, SOAK_COMMAND, SOAK_USAGE } from "./soakOptions.ts";
import { buildSoakReport, formatSoakReport, type SoakRecord, type TimedHeapSample } from "./soakReport.ts";

const SAMPLE_EVERY_MS = 5_000;
const PROGRESS_EVERY_MS = 30_000;

const parsed = parseSoakArgs(process.argv.slice(2));
if (parsed.kind === "help") {
  process.stdout.write(`${SOAK_USAGE}\n`);
  process.exit(0);
}
if (parsed.kind === "error") failUsage(SOAK_COMMAND, parsed.message);
const options = parsed.value;
// A signal ends the run through process.exit, so the 'exit' handlers stop the cluster's processes.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));
// The SDK warns on the console for every dropped connection; the report counts them instead.
console.warn = () => undefined;
console.info = () => undefined;

/** The soak's clock starts with the bots (NaN before: samples from the cluster's start-up are dropped). */
let startedAt = Number.NaN;
const now = () => Date.now() - startedAt;
const heapSamples: TimedHeapSample[] = [];
const cluster = await SoakCluster.start({
  workers: options.workers,
  gcEveryS: options.gcEveryS,
  onHeapSample: (sample) => {
    if (Number.isFinite(startedAt)) heapSamples.push({ ...sample, atMs: now() });
  },
});
const bots = new SoakBots({ endpoints: cluster.endpoints, bots: options.bots, inputHz: options.inputHz, joinSecret: cluster.joinSecret, now });

startedAt = Date.now();
const cpuAtStart = process.cpuUsage();
const durationMs = options.minutes * 60_000;
const killAtMs = options.killAtMinutes === undefined ? undefined : options.killAtMinutes * 60_000;
const killedWorker = options.workers;
let killed: SoakRecord["killed"];
let killedAtMs: number | undefined;
const liveSamples: { atMs: number; live: number }[] = [];
const overrunsAtStart = await cluster.tickOverruns();
let lastProgressAt = 0;

const ramp = bots.start();
while (now() < durationMs) {
  await new Promise((r) => setTimeout(r, Math.min(SAMPLE_EVERY_MS, Math.max(0, durationMs - now()))));
  liveSamples.push({ atMs: now(), live: bots.liveCount });
  if (killAtMs !== undefined && killed === undefined && now() >= killAtMs) {
    const pid = await cluster.kill(killedWorker);
    killedAtMs = now();
    if (pid !== undefined) killed = { worker: killedWorker, pid };
    process.stderr.write(`soak ${Math.round(killedAtMs / 1000)} s: killed worker ${killedWorker} (pid ${pid ?? "unknown: it did not answer"}); the supervisor restarts it\n`);
  }
  if (now() - lastProgressAt >= PROGRESS_EVERY_MS) {
    lastProgressAt = now();
    const latest = heapSamples.at(-1);
    process.stderr.write(`soak ${Math.round(now() / 1000)} s: bots live ${bots.liveCount}/${options.bots}, joins ${bots.joins}, failed joins ${bots.joinFailures.length}, `
      + `reroutes ${[...bots.reroutes.values()].reduce((sum, n) => sum + n, 0)}, closes ${bots.closes.length}${latest === undefined ? "" : `, last heap after GC ${(latest.heapUsedBytes / 1e6).toFixed(0)} MB (port ${latest.port})`}\n`);
  }
}
const tickOverruns = (await cluster.tickOverruns()) - overrunsAtStart;
const cpu = process.cpuUsage(cpuAtStart);
const runMs = now();
await ramp;
await bots.stop();
await cluster.stop();

const report = buildSoakReport({
  options,
  killedAtMs,
  killed,
  workerOfPort: new Map(cluster.ports.map((port, i) => [port, i + 1])),
  // Not the samples taken while the bots left and the cluster drained.
  heapSamples: heapSamples.filter((s) => s.atMs <= runMs),
  joins: bots.joins,
  joinMs: bots.joinMs,
  reroutes: Object.fromEntries(bots.reroutes),
  joinFailures: bots.joinFailures,
  closes: bots.closes,
  liveSamples,
  tickOverruns,
  serverErrors: cluster.errors,
  serverWarnings: cluster.warnings,
  serverLogExamples: cluster.logExamples,
  generatorCpuPct: ((cpu.user + cpu.system) / 1000 / runMs) * 100,
});
process.stdout.write(`\n${formatSoakReport(report)}\n`);
if (options.jsonPath !== undefined) await writeFile(options.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
process.exit(0);
