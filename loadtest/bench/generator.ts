/**
 * The bench's load generator: one process (pinned away from the server's
 * core by the harness) running every client of one measurement. It joins
 * `players` clients, sends each one's input every tick, warms up, then
 * measures for `measureMs` and prints one JSON line per step (see
 * GeneratorMessage). Bounded: it exits by itself after the window, at its
 * deadline, or when the harness goes away.
 */
import { exitWithParent } from "../baselines/lifecycle.ts";
import type { BenchClient, Connect, Connector } from "./clients/benchClient.ts";
import type { GeneratorJob, GeneratorMessage } from "./protocol.ts";
import { Recorder } from "./recorder.ts";
import { createSteering, nextIntent, type Steering } from "./steering.ts";

/** Slack on top of the job's own time budget before the generator gives up on itself. */
const DEADLINE_SLACK_MS = 30_000;

function say(message: GeneratorMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function connectorFor(job: GeneratorJob): Promise<Connector> {
  switch (job.protocol) {
    case "colyseus": {
      // Every contender's clients ride on the same lean sockets: the SDK picks
      // the global WebSocket when there is one (it reads it once, on load).
      const { LeanWebSocket } = await import("./clients/leanWebSocket.ts");
      Reflect.set(globalThis, "WebSocket", LeanWebSocket);
      return (await import("./clients/colyseusClient.ts")).colyseusConnector;
    }
    case "json-ws":
      return (await import("./clients/wsClients.ts")).jsonWsConnector;
    case "raw-ws":
      return (await import("./clients/wsClients.ts")).rawWsConnector;
    case "socket-io":
      return (await import("./clients/socketIoClient.ts")).socketIoConnector;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`join timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Joins every client: the first alone (it creates the room), the rest `joinConcurrency` at a time. */
async function joinAll(job: GeneratorJob, connect: Connect, recorder: Recorder, clients: (BenchClient | undefined)[]) {
  let failed = 0;
  const joinOne = async (index: number) => {
    try {
      clients[index] = await withTimeout(connect(index, index < job.probes), job.joinTimeoutMs);
    } catch (error) {
      failed++;
      recorder.error(`join failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  await joinOne(0);
  let next = 1;
  await Promise.all(Array.from({ length: Math.min(job.joinConcurrency, job.players) }, async () => {
    while (next < job.players) await joinOne(next++);
  }));
  return failed;
}

/**
 * A tick's sends go out in one burst, as every client's tick comes round at
 * once, but the burst pauses for a look at the sockets every this many
 * clients: thousands of sends in a row would hold back the updates the
 * generator is timing.
 */
const SENDS_PER_TURN = 200;

/**
 * Sends every open client's input once per tick on a drift-free schedule.
 * A late generator skips the ticks it missed rather than bursting them, and
 * records how late it was.
 */
function startInputLoop(job: GeneratorJob, clients: (BenchClient | undefined)[], steerings: Steering[], recorder: Recorder) {
  const periodMs = 1000 / job.tickHz;
  const dtS = 1 / job.tickHz;
  const startedAt = performance.now();
  let tick = 0;
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  const sendFrom = (first: number) => {
    if (isStopped) return;
    const end = Math.min(clients.length, first + SENDS_PER_TURN);
    for (let i = first; i < end; i++) {
      const client = clients[i];
      if (client?.isOpen) client.send(nextIntent(steerings[i]!, dtS));
    }
    if (end < clients.length) {
      setImmediate(sendFrom, end);
      return;
    }
    tick = Math.max(tick + 1, Math.ceil((performance.now() - startedAt) / periodMs));
    timer = setTimeout(run, Math.max(0, startedAt + tick * periodMs - performance.now()));
  };
  const run = () => {
    if (recorder.isMeasuring) recorder.loopLag.record(performance.now() - (startedAt + tick * periodMs));
    sendFrom(0);
  };
  timer = setTimeout(run, 0);
  return () => {
    isStopped = true;
    clearTimeout(timer);
  };
}

async function main(job: GeneratorJob): Promise<void> {
  const recorder = new Recorder();
  const connect = (await connectorFor(job))(job, recorder);
  const clients: (BenchClient | undefined)[] = Array.from({ length: job.players }, () => undefined);
  const steerings = Array.from({ length: job.players }, (_, i) => createSteering(i));
  const stopInputs = startInputLoop(job, clients, steerings, recorder);

  const joinStarted = performance.now();
  const failed = await joinAll(job, connect, recorder, clients);
  const joined = clients.filter((c) => c !== undefined);
  const rooms = new Set(joined.map((c) => c.roomId)).size;
  say({ type: "joined", joined: joined.length, failed, joinMs: performance.now() - joinStarted, rooms, errors: [...recorder.errors] });

  await sleep(job.warmupMs);
  say({ type: "measuring" });
  recorder.isMeasuring = true;
  const started = performance.now();
  await sleep(job.measureMs);
  recorder.isMeasuring = false;
  const measuredMs = performance.now() - started;
  stopInputs();
  say({
    type: "result",
    result: recorder.result({
      connected: joined.filter((c) => c.isOpen).length,
      measuredMs,
      byteCounters: joined.filter((c) => c.countsBytes).length,
    }, job.protocol === "colyseus"),
  });
}

exitWithParent();
const job = JSON.parse(process.argv[2] ?? "{}") as GeneratorJob;
const deadline = job.joinTimeoutMs * Math.ceil(job.players / Math.max(1, job.joinConcurrency)) + job.warmupMs + job.measureMs + DEADLINE_SLACK_MS;
setTimeout(() => {
  say({ type: "error", message: `generator passed its ${deadline} ms deadline` });
  process.exit(1);
}, deadline).unref();
try {
  await main(job);
  process.exit(0);
} catch (error) {
  say({ type: "error", message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
