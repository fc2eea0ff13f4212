/**
 * `npm run bench -- [--players 100] [--duration 30] [--quick]`
 *
 * Comparative benchmark (issues 8 and 13): this server, all players in one
 * room and in rooms of 20, against four small, honest baselines (naive JSON
 * over ws, Socket.IO, stock Colyseus, the send limit), same scenario, side by
 * side in one run on this machine. Each measurement
 * gets a fresh server pinned to core 0 and a fresh load generator pinned to
 * core 1; then each contender's capacity is searched. Prints a table with
 * ratios against this server and writes loadtest/results/bench-<date>.json
 * and a draft of docs/performance.md's bench section next to it. Every child process is stopped at
 * the end, on error and on Ctrl-C.
 */
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hasTaskset, killChildrenOnExit, pinSelf } from "./children.ts";
import { runContender, type ContenderPlan } from "./contenderRun.ts";
import { CONTENDERS } from "./contenders.ts";
import { optionsOrExit, parseBenchOptions, USAGE } from "./options.ts";
import { isProcAvailable } from "./procStats.ts";
import {
  addRatios, judgeTargets, renderLegend, renderMarkdown, renderTable, renderTargets, type BenchResults, type ContenderResult,
} from "./report.ts";
import { benchRunSettings, PATCH_HZ, PROBES_PER_RUN, TICK_HZ } from "./runSettings.ts";
import { FALLBACK_SEND_BYTES, SendSizes } from "./sendSize.ts";
import { FIRING_EVERY } from "./steering.ts";

/** This server's default VIEW_RADIUS (src/config.ts); set in the environment, it applies to the server and is reported. */
const DEFAULT_VIEW_RADIUS_UNITS = 40;

const HELP = `${USAGE}

Compares this server (every player in one room, then rooms of 20 filled by matchmaking) with four
small baselines (naive JSON over ws, Socket.IO, stock Colyseus, the send limit) on one scenario:
each contender gets a fresh server pinned to core 0 and a load generator pinned to core 1, is
measured with --players players, then its capacity is searched (most players with the update
interval p99 <= 100 ms). Prints the table and the targets, and writes loadtest/results/bench-<date>.json
and .md. A full run takes 15 minutes or more; --quick is a smoke run.

  --players N        players in the comparison run (default 100)
  --duration S       seconds measured per contender, 1-600 (default 30; capacity steps at most 10)
  --quick            a few seconds per contender and one capacity step
  --max-players N    ceiling of the capacity search (default 6000, or --players if higher)
  --out-dir DIR      where the results go (default loadtest/results/)
  --only IDS         comma-separated contenders to run (default all, always in this order)

environment: VIEW_RADIUS (this server's view radius, reported; default 40); the rest of the
environment reaches every server, with the bench's own settings on top.`;

killChildrenOnExit();
const options = optionsOrExit(parseBenchOptions(process.argv.slice(2), fileURLToPath(new URL("../results/", import.meta.url))), USAGE, HELP);
if (!isProcAvailable()) {
  process.stderr.write("bench: needs Linux /proc to read the servers' CPU time and RSS\n");
  process.exit(2);
}
const cores = os.cpus().length;
const serverCore = 0;
const generatorCore = cores > 1 ? 1 : 0;
// The harness mostly waits; keep it off the server's core too.
pinSelf(generatorCore);

const plan: ContenderPlan = {
  players: options.players,
  comparisonS: options.isQuick ? Math.min(options.durationS, 2) : options.durationS,
  capacityStepS: options.isQuick ? Math.min(options.durationS, 2) : Math.min(options.durationS, 10),
  maxPlayers: options.maxPlayers,
  // Doubling from 100 to a ceiling of 6000 takes 6 steps; two more bisect.
  capacitySteps: options.isQuick ? 1 : 8,
  retries: options.isQuick ? 0 : 2,
  settings: benchRunSettings(options.isQuick, serverCore, generatorCore),
};
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

const startedAt = new Date();
const sendSizes = new SendSizes();
const contenderResults: ContenderResult[] = [];
try {
  for (const contender of CONTENDERS.filter((c) => options.contenders.includes(c.id))) {
    log(`${contender.label}: comparison run with ${plan.players} players for ${plan.comparisonS} s, then capacity search`);
    contenderResults.push(await runContender(contender, plan, sendSizes, log));
  }
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
addRatios(contenderResults);

const argv = process.argv.slice(2);
const results: BenchResults = {
  schemaVersion: 1,
  command: argv.length === 0 ? "npm run bench" : `npm run bench -- ${argv.join(" ")}`,
  date: startedAt.toISOString(),
  machine: {
    cpus: cores, cpuModel: os.cpus()[0]?.model.trim() ?? "unknown", memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version, os: `${os.type()} ${os.release()}`,
  },
  scenario: {
    players: options.players, durationS: plan.comparisonS, isQuick: options.isQuick, tickHz: TICK_HZ, patchHz: PATCH_HZ,
    viewRadiusUnits: Number(process.env.VIEW_RADIUS ?? DEFAULT_VIEW_RADIUS_UNITS),
    nominalIntervalMs: 1000 / PATCH_HZ, intervalBoundMs: 2000 / PATCH_HZ, firingShare: 1 / FIRING_EVERY,
    probesPerRun: PROBES_PER_RUN, capacityWindowS: plan.capacityStepS,
  },
  pinning: hasTaskset ? { serverCore, generatorCore } : null,
  sendLimit: {
    bytesPerUpdate: sendSizes.at(options.players),
    source: sendSizes.isMeasured
      ? "this server's average update payload at the nearest measured player count"
      : `fixed ${FALLBACK_SEND_BYTES} B (this server not in the run)`,
  },
  contenders: contenderResults,
  targets: judgeTargets(contenderResults),
};

const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
await mkdir(options.outDir, { recursive: true });
const jsonPath = join(options.outDir, `bench-${stamp}.json`);
await writeFile(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
await writeFile(join(options.outDir, `bench-${stamp}.md`), renderMarkdown(results));

console.log(`\nbench: ${results.command} (${results.date}, ${cores} cores, Node ${process.version})`);
console.log(`${options.players} players, ${TICK_HZ} Hz sim, ${PATCH_HZ} Hz updates, ${plan.comparisonS} s measured per contender, `
  + `${plan.capacityStepS} s per capacity step`);
console.log(renderTable(results));
console.log(renderLegend(results));
console.log(`\n${renderTargets(results)}`);
console.log(`\nresults: ${jsonPath}`);
process.exit(0);
