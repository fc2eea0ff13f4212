/**
 * `npm run loadtest`: drives real SDK bots against a running server and
 * reports join time, input RTT, patch cadence, bytes and errors against an
 * SLO. Run with --help for the flags. Exit code: 0 the SLO held, 1 it failed
 * or the run could not go on, 2 bad arguments.
 */
import { writeFile } from "node:fs/promises";
import { usageLine } from "../src/commandLine.ts";
import { parseArgs, USAGE, type LoadtestOptions } from "./args.ts";
import { findCapacity } from "./loadtestCapacity.ts";
import { LoadController, RunAbortedError } from "./controller.ts";
import { explainJoinFailures } from "./joinFailures.ts";
import type { Aggregate } from "./loadtestMetrics.ts";
import { Progress } from "./progress.ts";
import { buildReport, formatReport, type CapacityReport, type LoadReport } from "./loadtestReport.ts";

const REACHABILITY_TIMEOUT_MS = 5_000;

const parsed = parseArgs(process.argv.slice(2));
if (!parsed.ok) {
  process.stderr.write(`loadtest: ${parsed.reason}\n${usageLine(USAGE)}\n`);
  process.exit(2);
}
if ("help" in parsed) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const options = parsed.value;

const unreachable = await checkReachable(options.url);
if (unreachable !== undefined) {
  process.stderr.write(`loadtest: cannot reach ${options.url}: ${unreachable}\n`);
  process.exit(1);
}

const controller = new LoadController({
  url: options.url,
  roomName: options.roomName,
  mode: options.mode,
  workers: options.workers,
  probeBots: options.probeBots,
  joinTimeoutMs: options.joinTimeoutS * 1000,
  joinSecret: options.joinSecret,
});
const progress = new Progress(process.stderr, controller);
const stopping = new AbortController();
let signals = 0;
const onSignal = () => {
  if (++signals > 1) process.exit(130);
  progress.note("loadtest: stopping the bots for a partial report (again to quit at once)");
  stopping.abort();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

const progressTimer = setInterval(() => progress.tick(), 1000);
let measured: Aggregate | undefined;
let capacity: { capacity: CapacityReport; stepReport: LoadReport | undefined } | undefined;
let abortedBy: Error | undefined;
try {
  await controller.start();
  if (options.isFindCapacity) {
    progress.target = options.stepBots;
    const outcome = await findCapacity(controller, options, stopping.signal, (ccu, phase) => {
      if (phase === "ramp" && ccu > options.stepBots) progress.note(`loadtest: step to ${ccu} bots`);
      progress.target = ccu;
      progress.phase = `${phase} ${ccu}`;
    }, reportContext(options));
    measured = outcome.measured;
    capacity = outcome;
  } else {
    progress.target = options.bots;
    progress.phase = "ramp";
    await controller.spawnTo(options.bots, options.rampPerS, stopping.signal);
    if (!stopping.signal.aborted) {
      const window = controller.record();
      measured = window;
      progress.phase = () => `full load ${Math.floor(window.wallS)}/${options.durationS} s`;
      await controller.hold(options.durationS, stopping.signal);
      controller.release(window);
    }
  }
} catch (error) {
  if (!(error instanceof RunAbortedError)) throw error;
  abortedBy = error;
} finally {
  clearInterval(progressTimer);
  progress.finish();
  await controller.stop();
}

const report = buildReport({
  ...reportContext(options),
  bots: options.isFindCapacity ? controller.started : options.bots,
  joins: controller.run,
  measured,
  interrupted: stopping.signal.aborted,
  tickHz: controller.tickHz,
});
if (capacity !== undefined) {
  report.capacity = capacity.capacity;
  // The verdict is the summarised step's (the highest that held, else the first), not the whole search's.
  if (capacity.stepReport !== undefined) report.slo = capacity.stepReport.slo;
}
if (abortedBy !== undefined) {
  report.slo = { ...report.slo, pass: false, failures: [abortedBy.message, ...report.slo.failures] };
}

process.stdout.write(`${formatReport(report)}\n`);
if (abortedBy !== undefined) process.stderr.write(`loadtest: ${abortedBy.message}\n`);
for (const line of explainJoinFailures(report.joinFailures)) process.stderr.write(`loadtest: ${line}\n`);
if (options.jsonPath !== undefined) await writeFile(options.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
process.exit(report.slo.pass ? 0 : 1);

function reportContext(o: Readonly<LoadtestOptions>) {
  return {
    url: o.url,
    roomName: o.roomName,
    mode: o.mode,
    workers: o.workers,
    probeBots: o.probeBots,
    slo: o.slo,
    sloText: o.sloText,
    maxGeneratorCpuPct: o.maxGeneratorCpuPct,
  };
}

/** Undefined when the server answers HTTP at all (any status); otherwise why not, in a few words. */
async function checkReachable(wsUrl: string): Promise<string | undefined> {
  const httpUrl = wsUrl.replace(/^ws/, "http");
  try {
    const response = await fetch(httpUrl, { signal: AbortSignal.timeout(REACHABILITY_TIMEOUT_MS) });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${REACHABILITY_TIMEOUT_MS} ms`;
    return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  }
}
