/**
 * One measurement: a fresh server for the contender (pinned to the server
 * core), a fresh load generator with `players` clients (pinned to the other
 * core), both processes' CPU read from /proc over the generator's measured
 * window, the server's RSS at its end. Both are stopped before it returns.
 */
import { fileURLToPath } from "node:url";
import { freePort } from "../ports.ts";
import { spawnNode, stopChild, waitForHttp, type Child } from "./children.ts";
import type { Contender, ContenderId } from "./contenders.ts";
import { cpuMs, mainThreadCpuMs, rssBytes, runQueueWaitMs } from "./procStats.ts";
import type { GeneratorJob, GeneratorMessage, GeneratorResult } from "./protocol.ts";

const GENERATOR = fileURLToPath(new URL("./generator.ts", import.meta.url));
/** A core this busy (% of wall time) is full: its process could not have done more. */
const SATURATED_CPU_PCT = 90;
/**
 * Main-thread run-queue wait above this (ms per s of wall time) means other
 * processes took the core often enough to show in the intervals: the run
 * measured the machine's load as much as the contender.
 */
const CONTENDED_WAIT_MS_PER_S = 50;
/** Below this share of the nominal update rate a run fails, whatever its interval p99. */
const MIN_UPDATE_SHARE = 0.9;
const SERVER_START_MS = 20_000;

export interface RunSettings {
  tickHz: number;
  patchHz: number;
  warmupMs: number;
  measureMs: number;
  probes: number;
  joinConcurrency: number;
  joinTimeoutMs: number;
  serverCore: number;
  generatorCore: number;
}

export interface Measurement {
  contender: ContenderId;
  players: number;
  joined: number;
  connectedAtEnd: number;
  rooms: number;
  joinMs: number;
  measuredS: number;
  bytesPerClientPerS: number;
  updatesPerClientPerS: number;
  /** Average state update payload, bytes (what the send limit sends). */
  updatePayloadBytes: number;
  serverCpuMsPerS: number;
  serverCpuMsPerSPerClient: number;
  serverRssMb: number;
  updateIntervalP50Ms: number;
  updateIntervalP99Ms: number;
  updateIntervalMaxMs: number;
  rttP50Ms: number | null;
  rttP99Ms: number | null;
  entitiesPerUpdate: number | null;
  generatorCpuPct: number;
  inputLoopLagP99Ms: number;
  /** The generator itself used its whole core. */
  isGeneratorSaturated: boolean;
  /**
   * The generator could not keep up: its core was full (its own work plus
   * other processes') or its input loop ran more than a tick late at p99.
   * Its intervals then measure the generator as much as the server.
   */
  isGeneratorBehind: boolean;
  /** The server's core was full: its own CPU plus its main thread's run-queue wait. */
  isServerCoreFull: boolean;
  /** Time the server's / generator's main thread waited for its core beyond its own threads' CPU (other processes), ms per s. */
  serverRunQueueWaitMsPerS: number;
  generatorRunQueueWaitMsPerS: number;
  /** Either main thread waited more than CONTENDED_WAIT_MS_PER_S for its core. */
  isContended: boolean;
  disconnects: number;
  errors: string[];
  /** The measured window on the harness's performance.now() clock, ms (to cut a server's CPU profile to it). */
  windowStartMs: number;
  windowEndMs: number;
  /** Every client joined and stayed, updates kept their rate, and interval p99 <= 2x nominal. */
  isPass: boolean;
  /** Why it did not pass ("" when it did). */
  failure: string;
}

export async function measure(contender: Contender, players: number, settings: RunSettings, sendBytes: number): Promise<Measurement> {
  const port = await freePort();
  const server = spawnNode(contender.script, [], contender.env({ port, tickHz: settings.tickHz, patchHz: settings.patchHz, sendBytes }), settings.serverCore);
  let generator: Child | undefined;
  try {
    await waitForHttp(port, server, SERVER_START_MS);
    const job: GeneratorJob = {
      protocol: contender.protocol, url: `ws://127.0.0.1:${port}`, roomName: contender.roomName, mode: contender.mode,
      players, probes: contender.protocol === "raw-ws" ? 0 : Math.min(settings.probes, players),
      tickHz: settings.tickHz, warmupMs: settings.warmupMs, measureMs: settings.measureMs,
      joinConcurrency: settings.joinConcurrency, joinTimeoutMs: settings.joinTimeoutMs,
    };
    generator = spawnNode(GENERATOR, [JSON.stringify(job)], process.env, settings.generatorCore);
    const outcome = await runGenerator(generator, server);
    return summarize(contender, players, settings, outcome);
  } finally {
    if (generator !== undefined) await stopChild(generator);
    await stopChild(server);
  }
}

interface GeneratorOutcome {
  joined: Extract<GeneratorMessage, { type: "joined" }>;
  result: GeneratorResult;
  server: ProcessUse;
  generator: ProcessUse;
  wallMs: number;
  windowStartMs: number;
  serverRss: number;
}

/** What a process used over the window, ms. */
interface ProcessUse {
  cpuMs: number;
  /** Run-queue wait of its main thread that its own other threads cannot explain: other processes on its core. */
  othersWaitMs: number;
}

interface UseSample {
  cpu: number;
  mainCpu: number;
  wait: number;
}

function sampleUse(pid: number): UseSample {
  return { cpu: cpuMs(pid), mainCpu: mainThreadCpuMs(pid), wait: runQueueWaitMs(pid) };
}

/**
 * Pinned to one core, a main thread also waits while its own helper threads
 * (GC, I/O) run; only the wait beyond their CPU time is charged to others.
 */
function useBetween(before: UseSample, after: UseSample): ProcessUse {
  const cpu = after.cpu - before.cpu;
  const helpersCpu = cpu - (after.mainCpu - before.mainCpu);
  return { cpuMs: cpu, othersWaitMs: Math.max(0, after.wait - before.wait - helpersCpu) };
}

/** Follows the generator's lines, sampling both processes at the window's start and end. */
function runGenerator(generator: Child, server: Child): Promise<GeneratorOutcome> {
  return new Promise((resolve, reject) => {
    let joined: Extract<GeneratorMessage, { type: "joined" }> | undefined;
    let start: { server: UseSample; generator: UseSample; at: number } | undefined;
    generator.onLine((line) => {
      let message: GeneratorMessage;
      try {
        message = JSON.parse(line) as GeneratorMessage;
      } catch {
        return; // not one of ours (a library's warning)
      }
      try {
        if (message.type === "joined") joined = message;
        else if (message.type === "measuring") start = { server: sampleUse(server.pid), generator: sampleUse(generator.pid), at: performance.now() };
        else if (message.type === "error") reject(new Error(`load generator: ${message.message}`));
        else if (message.type === "result") {
          if (joined === undefined || start === undefined) throw new Error("load generator reported out of order");
          resolve({
            joined,
            result: message.result,
            server: useBetween(start.server, sampleUse(server.pid)),
            generator: useBetween(start.generator, sampleUse(generator.pid)),
            wallMs: performance.now() - start.at,
            windowStartMs: start.at,
            serverRss: rssBytes(server.pid),
          });
        }
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    generator.process.once("exit", (code) => reject(new Error(`load generator exited with ${code}: ${generator.tail()}`)));
    server.process.once("exit", (code) => reject(new Error(`server exited with ${code} during the run: ${server.tail()}`)));
  });
}

function summarize(contender: Contender, players: number, settings: RunSettings, o: GeneratorOutcome): Measurement {
  const r = o.result;
  const seconds = r.measuredMs / 1000;
  const wallS = o.wallMs / 1000;
  const serverCpuMsPerS = o.server.cpuMs / wallS;
  const generatorCpuPct = (o.generator.cpuMs / o.wallMs) * 100;
  const corePct = (use: ProcessUse) => ((use.cpuMs + use.othersWaitMs) / o.wallMs) * 100;
  const updatesPerClientPerS = r.stateUpdates / Math.max(1, o.joined.joined) / seconds;
  const intervalP99 = r.updateIntervalMs?.p99 ?? Number.POSITIVE_INFINITY;
  const boundMs = (2 * 1000) / settings.patchHz;
  const failures = [
    o.joined.joined < players ? `${players - o.joined.joined} of ${players} joins failed` : "",
    r.connected < o.joined.joined ? `${o.joined.joined - r.connected} clients dropped` : "",
    o.joined.rooms > Math.max(1, Math.ceil(o.joined.joined / contender.playersPerRoom))
      ? `players split over ${o.joined.rooms} rooms` : "",
    updatesPerClientPerS < MIN_UPDATE_SHARE * settings.patchHz ? `${updatesPerClientPerS.toFixed(1)} updates/s per client` : "",
    intervalP99 > boundMs ? `interval p99 ${intervalP99.toFixed(0)} ms > ${boundMs} ms` : "",
  ].filter((f) => f !== "");
  return {
    contender: contender.id,
    players,
    joined: o.joined.joined,
    connectedAtEnd: r.connected,
    rooms: o.joined.rooms,
    joinMs: o.joined.joinMs,
    measuredS: seconds,
    bytesPerClientPerS: r.bytesDown / Math.max(1, r.byteCounters) / seconds,
    updatesPerClientPerS,
    updatePayloadBytes: r.statePayloadBytes / Math.max(1, r.stateUpdatesOfCounters),
    serverCpuMsPerS,
    serverCpuMsPerSPerClient: serverCpuMsPerS / Math.max(1, o.joined.joined),
    serverRssMb: o.serverRss / 1_048_576,
    updateIntervalP50Ms: r.updateIntervalMs?.p50 ?? Number.NaN,
    updateIntervalP99Ms: intervalP99,
    updateIntervalMaxMs: r.updateIntervalMs?.max ?? Number.NaN,
    rttP50Ms: contender.hasAcks ? (r.rttMs?.p50 ?? Number.NaN) : null,
    rttP99Ms: contender.hasAcks ? (r.rttMs?.p99 ?? Number.NaN) : null,
    entitiesPerUpdate: r.entitiesPerUpdate,
    generatorCpuPct,
    inputLoopLagP99Ms: r.inputLoopLagMs.p99,
    isGeneratorSaturated: generatorCpuPct >= SATURATED_CPU_PCT,
    isGeneratorBehind: corePct(o.generator) >= SATURATED_CPU_PCT || r.inputLoopLagMs.p99 > 1000 / settings.tickHz,
    isServerCoreFull: corePct(o.server) >= SATURATED_CPU_PCT,
    serverRunQueueWaitMsPerS: o.server.othersWaitMs / wallS,
    generatorRunQueueWaitMsPerS: o.generator.othersWaitMs / wallS,
    isContended: Math.max(o.server.othersWaitMs, o.generator.othersWaitMs) / wallS > CONTENDED_WAIT_MS_PER_S,
    disconnects: r.disconnects,
    errors: [...new Set([...o.joined.errors, ...r.errors])],
    windowStartMs: o.windowStartMs,
    windowEndMs: o.windowStartMs + o.wallMs,
    isPass: failures.length === 0,
    failure: failures.join("; "),
  };
}
