/**
 * `npm run bench:profile -- [--players 100] [--duration 15] [--scenario one-room|many-rooms] [--interval-us 1000] [--top 15]
 *   [--control] [--keep-sampler] [--out-dir DIR]`
 * `npm run bench:profile -- --from loadtest/results/profile-<date>.cpuprofile` (break an earlier profile down again)
 *
 * Where this server's CPU goes at a given load, re-measured rather than
 * quoted (issue 13). One measurement exactly as `npm run bench` makes it
 * (same server environment pinned to core 0, same load generator pinned to
 * core 1, same warm-up), with the server under `node --cpu-prof`. The server
 * is stopped with SIGTERM, so it drains and Node writes the profile at exit;
 * the samples of the measured window are then broken down by category
 * (profileCategories.ts) and by function. Prints both tables and writes the
 * .cpuprofile (open it in Chrome DevTools or speedscope) and a JSON summary
 * to loadtest/results/. `--from` reads a profile back (with the window its
 * JSON summary recorded, else the whole profile) and prints the tables again:
 * after a change to the category rules, nothing needs measuring again.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readCommandLine } from "../../src/commandLine.ts";
import { hasTaskset, killChildrenOnExit, pinSelf } from "./children.ts";
import { BENCH_MAX_PLAYERS, THIS_SERVER_ONE_ROOM, THIS_SERVER_ROOMS, type Contender } from "./contenders.ts";
import type { CpuProfile, WindowUs } from "./cpuProfile.ts";
import { measure, type Measurement } from "./measure.ts";
import { measurementLoad, optionsOrExit, type ParsedCommand } from "./options.ts";
import { isProcAvailable } from "./procStats.ts";
import { analyse, describeRun, printAnalysis } from "./profileReport.ts";
import { benchRunSettings, PATCH_HZ, TICK_HZ } from "./runSettings.ts";
import { FALLBACK_SEND_BYTES } from "./sendSize.ts";
import { ProfiledServerWatch } from "./serverWatch.ts";

const USAGE = `usage: npm run bench:profile -- [--players 1-${BENCH_MAX_PLAYERS}] [--duration 1-600] [--scenario one-room|many-rooms] `
  + "[--interval-us 100-100000] [--top 15] [--control] [--keep-sampler] [--out-dir DIR] | --from FILE.cpuprofile [--top 15]";
const SCENARIOS = ["one-room", "many-rooms"] as const;
type Scenario = (typeof SCENARIOS)[number];
interface ProfileOptions {
  players: number;
  durationS: number;
  scenario: Scenario;
  intervalUs: number;
  top: number;
  outDir: string;
  /** Leave V8's sampling thread on the server's core (taskset pins all its threads there). */
  isSamplerKept: boolean;
  /** Measure once without the profiler first, to show the profiler's cost. */
  isControlled: boolean;
  /** Break down this earlier profile instead of measuring. */
  from: string | undefined;
}

/** Parses argv (without node and script), or returns the first problem as one line. */
function parseOptions(argv: readonly string[]): ParsedCommand<ProfileOptions> {
  const line = readCommandLine({
    name: "bench:profile",
    usage: USAGE,
    options: {
      players: { type: "string", default: "100" },
      duration: { type: "string", default: "15" },
      scenario: { type: "string", default: "one-room" },
      "interval-us": { type: "string", default: "1000" },
      top: { type: "string", default: "15" },
      "out-dir": { type: "string", default: fileURLToPath(new URL("../results/", import.meta.url)) },
      control: { type: "boolean", default: false },
      "keep-sampler": { type: "boolean", default: false },
      from: { type: "string" },
    },
  } as const, argv);
  if (line.kind === "error") return { ok: false, message: line.message };
  if (line.kind === "help") return { ok: true, help: true };
  const values = line.values;
  const intervalUs = Number(values["interval-us"]);
  const top = Number(values.top);
  const scenario = values.scenario as Scenario;
  if (!SCENARIOS.includes(scenario)) return { ok: false, message: `--scenario takes ${SCENARIOS.join(", ")}` };
  const load = measurementLoad(values);
  if (typeof load === "string") return { ok: false, message: load };
  const { players, durationS } = load;
  if (!Number.isInteger(intervalUs) || intervalUs < 100 || intervalUs > 100_000) return { ok: false, message: "--interval-us must be an integer from 100 to 100000" };
  if (!Number.isInteger(top) || top < 0 || top > 200) return { ok: false, message: "--top must be an integer from 0 to 200" };
  return {
    ok: true,
    value: { players, durationS, scenario, intervalUs, top, outDir: values["out-dir"], isControlled: values.control, isSamplerKept: values["keep-sampler"], from: values.from },
  };
}

/** This server as the bench runs it: all in one room, or (many-rooms) the bench's rooms contender, ROOMS_OF_PLAYERS a room. */
function scenarioServer(scenario: Scenario): Contender {
  return scenario === "one-room" ? THIS_SERVER_ONE_ROOM : THIS_SERVER_ROOMS;
}

/** The same server under `--cpu-prof`, given through NODE_OPTIONS so that the command line, and the rest of the environment, stay the bench's. */
function withProfiler(server: Contender, profileDir: string, intervalUs: number): Contender {
  const profiler = `--cpu-prof --cpu-prof-dir="${profileDir}" --cpu-prof-interval=${intervalUs}`;
  return {
    ...server,
    env: (ctx) => {
      const env = server.env(ctx);
      return { ...env, NODE_OPTIONS: [env.NODE_OPTIONS, profiler].filter((o) => o !== undefined && o !== "").join(" ") };
    },
  };
}

/** The one profile the server wrote (it is the only process given the profiler's options). */
async function takeProfile(profileDir: string, destination: string): Promise<void> {
  const files = (await readdir(profileDir)).filter((f) => f.endsWith(".cpuprofile"));
  if (files.length === 0) {
    throw new Error(`the server wrote no .cpuprofile in ${profileDir}: Node writes it at exit, so the server did not exit by itself `
      + "(killed after the SIGTERM grace?)");
  }
  const sizes = await Promise.all(files.map(async (f) => ({ f, size: (await stat(join(profileDir, f))).size })));
  const largest = sizes.reduce((a, b) => (b.size > a.size ? b : a));
  await rename(join(profileDir, largest.f), destination);
  await rm(profileDir, { recursive: true, force: true });
}

/** Measures as the bench does, with the server profiled; returns where the profile is and the window on its clock. */
async function measureProfiled(options: ProfileOptions, stamp: string) {
  const cores = os.cpus().length;
  const serverCore = 0;
  const generatorCore = cores > 1 ? 1 : 0;
  pinSelf(generatorCore);
  await mkdir(options.outDir, { recursive: true });
  const profileDir = join(options.outDir, `profile-${stamp}.tmp`);
  const profilePath = join(options.outDir, `profile-${stamp}.cpuprofile`);
  await mkdir(profileDir, { recursive: true });
  try {
    log(`this server under --cpu-prof, ${options.scenario}, ${options.players} players, ${options.durationS} s measured`);
    const settings = { ...benchRunSettings(false, serverCore, generatorCore), measureMs: options.durationS * 1000 };
    let controlCpuMsPerS: number | null = null;
    if (options.isControlled) {
      log(`control run first: the same measurement without the profiler`);
      const control = await measure(scenarioServer(options.scenario), options.players, settings, FALLBACK_SEND_BYTES);
      log(`control: ${describeRun(control)}, server CPU ${control.serverCpuMsPerS.toFixed(0)} ms/s`);
      controlCpuMsPerS = control.serverCpuMsPerS;
    }
    const contender = withProfiler(scenarioServer(options.scenario), profileDir, options.intervalUs);
    const watch = new ProfiledServerWatch();
    watch.start(contender.script, options.isSamplerKept ? undefined : generatorCore);
    let measurement: Measurement;
    try {
      measurement = await measure(contender, options.players, settings, FALLBACK_SEND_BYTES);
    } finally {
      watch.stop();
    }
    log(describeRun(measurement));
    if (hasTaskset && !options.isSamplerKept && watch.profilerCore === undefined) log("could not move V8's profiler thread off the server's core: busy time is under-sampled");
    await takeProfile(profileDir, profilePath);
    // The profile's timestamps are on the monotonic clock (us); the window was taken on this process's performance.now().
    const monotonicMsAtOrigin = Number(process.hrtime.bigint()) / 1e6 - performance.now();
    const window: WindowUs = {
      startUs: (measurement.windowStartMs + monotonicMsAtOrigin) * 1000,
      endUs: (measurement.windowEndMs + monotonicMsAtOrigin) * 1000,
    };
    return {
      measurement, profilePath, window, pinning: hasTaskset ? { serverCore, generatorCore } : null,
      profilerCore: watch.profilerCore ?? null,
      controlCpuMsPerS,
      mainThreadCpuMsPerS: watch.mainThreadCpuMsPerS(measurement.windowStartMs, measurement.windowEndMs),
    };
  } finally {
    await rm(profileDir, { recursive: true, force: true });
  }
}

async function readProfile(path: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(path, "utf8")) as CpuProfile;
}

/** `--from`: an earlier profile, cut to the window its summary recorded when there is one. */
async function reanalyse(options: ProfileOptions & { from: string }): Promise<void> {
  const profile = await readProfile(options.from);
  let window: WindowUs | undefined;
  let summary: { command?: string; serverCpuMsPerS?: number; windowUs?: WindowUs; sampledAsIdleMsPerS?: number | null } = {};
  try {
    summary = JSON.parse(await readFile(options.from.replace(/\.cpuprofile$/, ".json"), "utf8")) as typeof summary;
    window = summary.windowUs;
  } catch {
    // No summary next to it (a profile from elsewhere): the whole profile counts.
  }
  const a = analyse(profile, window);
  console.log(`\nbench:profile: ${options.from}${summary.command === undefined ? "" : ` (taken by \`${summary.command}\`)`}`);
  console.log(`${window === undefined ? "whole profile (no summary with a window next to it)" : "measured window"}: `
    + `${a.result.samples} samples over ${a.windowS.toFixed(1)} s; main thread busy ${a.profiledBusyMsPerS.toFixed(0)} ms/s`
    + `${summary.serverCpuMsPerS === undefined || window === undefined ? "" : `; server CPU ${summary.serverCpuMsPerS.toFixed(0)} ms/s (all threads, /proc)`}`);
  printAnalysis(a, options.top, window === undefined ? undefined : (summary.sampledAsIdleMsPerS ?? undefined));
}

const log = (line: string) => process.stderr.write(`[bench:profile] ${line}\n`);

const HELP = `${USAGE}

Where this server's CPU goes at a given load: one measurement made exactly as npm run bench makes
it (server pinned to core 0, load generator on core 1, same warm-up), with the server under
node --cpu-prof. Prints the server's self time by category and its top functions, and writes the
.cpuprofile and a JSON summary to loadtest/results/. --from breaks an earlier profile down again.

  --players N          players (default 100)
  --duration S         seconds measured, 1-600 (default 15)
  --scenario NAME      one-room (every player in one room) or many-rooms (rooms of 20) (default one-room)
  --interval-us US     the profiler's sampling interval, 100-100000 (default 1000)
  --top N              functions listed, 0-200 (default 15)
  --control            measure once without the profiler first, to show its cost
  --keep-sampler       leave V8's sampling thread on the server's core
  --out-dir DIR        where the results go (default loadtest/results/)
  --from FILE          break down this .cpuprofile instead of measuring

environment: passed on to the server beneath the bench's own settings (VIEW_RADIUS, for one).`;

killChildrenOnExit();
const options = optionsOrExit(parseOptions(process.argv.slice(2)), USAGE, HELP);
if (options.from !== undefined) {
  try {
    await reanalyse({ ...options, from: options.from });
  } catch (error) {
    process.stderr.write(`bench:profile: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  process.exit(0);
}
if (!isProcAvailable()) {
  process.stderr.write("bench:profile: needs Linux /proc to read the server's CPU time\n");
  process.exit(2);
}

const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
let run;
let profile: CpuProfile;
try {
  run = await measureProfiled(options, stamp);
  profile = await readProfile(run.profilePath);
} catch (error) {
  process.stderr.write(`bench:profile: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
const { measurement, window } = run;
if (window.startUs < profile.startTime || window.endUs > profile.endTime) {
  process.stderr.write(`bench:profile: the profile (${run.profilePath}) does not cover the measured window\n`);
  process.exit(1);
}
const analysis = analyse(profile, window);
const { result, windowS, profiledBusyMsPerS } = analysis;
// Under contention the profile's wall-time weights include waits for the core: the difference means nothing then.
const unsampledMsPerS = Number.isFinite(run.mainThreadCpuMsPerS) && !measurement.isContended
  ? Math.max(0, run.mainThreadCpuMsPerS - profiledBusyMsPerS)
  : undefined;

const argv = process.argv.slice(2);
const command = argv.length === 0 ? "npm run bench:profile" : `npm run bench:profile -- ${argv.join(" ")}`;
const cores = os.cpus().length;
const summaryPath = join(options.outDir, `profile-${stamp}.json`);
const summary = {
  schemaVersion: 1,
  command,
  date: startedAt.toISOString(),
  machine: { cpus: cores, cpuModel: os.cpus()[0]?.model.trim() ?? "unknown", node: process.version, os: `${os.type()} ${os.release()}` },
  scenario: {
    name: options.scenario, players: options.players, durationS: options.durationS, tickHz: TICK_HZ, patchHz: PATCH_HZ,
    maxPlayersPerRoom: scenarioServer(options.scenario).playersPerRoom,
  },
  pinning: run.pinning,
  /** Where V8's sampling thread ran (moved off the server's core; null: left there). */
  profilerCore: run.profilerCore,
  samplingIntervalUs: options.intervalUs,
  profilePath: run.profilePath,
  /** The measured window on the profile's clock (us), for `--from`. */
  windowUs: window,
  windowS,
  /** All the server's threads, from /proc, over the window. */
  serverCpuMsPerS: measurement.serverCpuMsPerS,
  serverCpuMsPerSPerClient: measurement.serverCpuMsPerSPerClient,
  /** `--control`: the same measurement without the profiler, all threads, /proc. */
  controlServerCpuMsPerS: run.controlCpuMsPerS,
  /** The main thread alone, from /proc; NaN (null in JSON) when it could not be read. */
  mainThreadCpuMsPerS: run.mainThreadCpuMsPerS,
  /** The main thread's non-idle samples, ms per s. */
  profiledBusyMsPerS,
  /** Main-thread CPU the profile shows as idle (native work in the event loop's poll phase); null when the cores were busy with other work. */
  sampledAsIdleMsPerS: unsampledMsPerS ?? null,
  samples: result.samples,
  categories: result.categories.map((c) => ({ ...c, msPerS: c.us / 1000 / windowS })),
  topFunctions: result.functions.filter((f) => f.category !== "idle").slice(0, 50).map((f) => ({ ...f, msPerS: f.us / 1000 / windowS })),
  run: measurement,
};
await writeFile(summaryPath, `${JSON.stringify(summary, null, 2)}\n`);

console.log(`\nbench:profile: ${command} (${summary.date}, ${cores} cores, Node ${process.version})`);
console.log(`${options.scenario}: ${describeRun(measurement)}`);
console.log(`server CPU ${measurement.serverCpuMsPerS.toFixed(0)} ms/s (all threads, /proc; ${measurement.serverCpuMsPerSPerClient.toFixed(2)} per client), `
  + `main thread ${Number.isFinite(run.mainThreadCpuMsPerS) ? run.mainThreadCpuMsPerS.toFixed(0) : "n/a"} ms/s (/proc), `
  + `of which the profile saw ${profiledBusyMsPerS.toFixed(0)} ms/s busy; ${result.samples} samples over ${windowS.toFixed(1)} s `
  + `at ${options.intervalUs} us${run.profilerCore === null ? "" : `, sampler on core ${run.profilerCore}`}`);
if (measurement.isContended) {
  console.log("WARNING: other processes took time on the cores (run-queue wait above): ms/s here is wall time, waits for the core"
    + " included, and the sampler was late; read the sample shares, and measure again on a quiet machine before quoting anything.");
}
if (run.controlCpuMsPerS !== null) {
  console.log(`without the profiler (control run): server CPU ${run.controlCpuMsPerS.toFixed(0)} ms/s; the profiler's cost about `
    + `${(measurement.serverCpuMsPerS - run.controlCpuMsPerS).toFixed(0)} ms/s (two runs: noise included)`);
}
printAnalysis(analysis, options.top, unsampledMsPerS);
console.log(`\nprofile: ${run.profilePath}\nsummary: ${summaryPath}`);
process.exit(0);
