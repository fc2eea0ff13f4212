/**
 * A bot worker thread: starts the bots the main thread asks for, steps them
 * at the room's tick rate, and reports its counters every `reportIntervalMs`.
 * Started by controller.ts with `workerData: WorkerConfig`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { Client } from "@colyseus/sdk";
import { signJoinToken } from "../rooms/joinToken.ts";
import { Bot, type JoinTarget } from "./bot.ts";
import { joinFailureReason } from "./joinFailures.ts";
import { BotCounters } from "./loadtestMetrics.ts";
import type { BotSpec, FromWorker, ToWorker, WorkerConfig } from "./workerMessages.ts";

/** Used until the first bot learns the room's advertised rate (the arena's default). */
const FALLBACK_TICK_HZ = 30;
/** Bots are spread over this many send slots per tick, so a worker does not send all its inputs in one burst. */
const SLOTS_PER_TICK = 4;
const LEAVE_TIMEOUT_MS = 5_000;
/** A join token is checked when the bot joins, never after: an hour outlasts any join timeout. */
const TOKEN_TTL_S = 3_600;

const port = parentPort;
if (port === null) throw new Error("worker.ts runs as a worker thread");
const config = workerData as WorkerConfig;
const counters = new BotCounters();
const target: JoinTarget = {
  client: new Client(config.url),
  roomName: config.roomName,
  mode: config.mode,
  timeoutMs: config.joinTimeoutMs,
};
const bots: Bot[] = [];
const pendingJoins = new Set<Promise<void>>();
let isStopping = false;
let hasLeft = false;

// The SDK reports connection trouble on the console; one line per bot would
// flood the terminal, so keep the first few as error samples instead.
console.warn = (...args: unknown[]) => counters.noteError(args.map(String).join(" ").slice(0, 200));
console.info = () => undefined;

function post(message: FromWorker): void {
  port!.postMessage(message);
}

/** Undefined without a secret; else this bot's own token (a player id per bot: one session per player id). */
async function tokenFor(index: number): Promise<string | undefined> {
  if (config.joinSecret === undefined) return undefined;
  return signJoinToken(config.joinSecret, { playerId: `lt-${config.runId}-${index}`, name: `bot-${index}` }, TOKEN_TTL_S);
}

function spawn(specs: readonly BotSpec[]): void {
  for (const spec of specs) {
    const bot = new Bot(spec.index, spec.isProbe, counters);
    const pending: Promise<void> = tokenFor(spec.index).then((token) => bot.join(target, token)).then(
      (joinMs) => {
        counters.joined++;
        counters.joinMs.push(joinMs);
        bots.push(bot);
        // Joined after stop() stopped waiting for it: leave right away, no seat left behind.
        if (hasLeft) void bot.leave(LEAVE_TIMEOUT_MS);
      },
      (error: unknown) => counters.noteJoinFailure(joinFailureReason(error)),
    ).finally(() => pendingJoins.delete(pending));
    pendingJoins.add(pending);
  }
}

let tickHz = FALLBACK_TICK_HZ;

/**
 * Fixed-rate input loop with drift correction. A slot that fires late is
 * recorded as tick lag; a loop more than a tick behind skips ahead instead of
 * bursting, so a saturated generator sends fewer inputs rather than floods.
 */
function startScheduler(): () => void {
  let slotMs = 1000 / tickHz / SLOTS_PER_TICK;
  let startedAt = performance.now();
  let slot = 0;
  let timer: NodeJS.Timeout | undefined;
  const fire = () => {
    const now = performance.now();
    const dueAt = startedAt + slot * slotMs;
    counters.tickLag.record(Math.max(0, now - dueAt));
    const phase = slot % SLOTS_PER_TICK;
    for (let i = phase; i < bots.length; i += SLOTS_PER_TICK) {
      const bot = bots[i]!;
      try {
        bot.step();
      } catch (error) {
        counters.roomErrors++;
        counters.noteError(`bot ${bot.index} failed to send input: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    slot++;
    const advertised = bots[0]?.tickHz;
    if (advertised !== undefined && advertised !== tickHz) {
      tickHz = advertised;
      slotMs = 1000 / tickHz / SLOTS_PER_TICK;
      startedAt = now;
      slot = 1;
    } else if (now - (startedAt + slot * slotMs) > SLOTS_PER_TICK * slotMs) {
      slot = Math.ceil((now - startedAt) / slotMs);
    }
    timer = setTimeout(fire, Math.max(0, startedAt + slot * slotMs - performance.now()));
  };
  timer = setTimeout(fire, slotMs);
  return () => clearTimeout(timer);
}

function startReporting(): () => void {
  let lastAt = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    report((now - lastAt) / 1000);
    lastAt = now;
  }, config.reportIntervalMs);
  return () => {
    clearInterval(timer);
    report((performance.now() - lastAt) / 1000);
  };
}

function report(elapsedS: number): void {
  const connected = bots.reduce((n, bot) => n + (bot.isConnected ? 1 : 0), 0);
  post(counters.drain(config.workerId, { connected, joining: pendingJoins.size, tickHz }, connected * elapsedS));
}

const stopScheduler = startScheduler();
const stopReporting = startReporting();

port.on("message", async (message: ToWorker) => {
  if (message.type === "spawn") {
    if (!isStopping) spawn(message.bots);
    return;
  }
  isStopping = true;
  stopScheduler();
  // Joins in flight get a bounded chance to finish, so they can leave cleanly too.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(pendingJoins),
    new Promise((resolve) => { timer = setTimeout(resolve, LEAVE_TIMEOUT_MS); }),
  ]);
  clearTimeout(timer);
  hasLeft = true;
  await Promise.all(bots.map((bot) => bot.leave(LEAVE_TIMEOUT_MS)));
  stopReporting();
  post({ type: "stopped" });
  port.close();
});

post({ type: "ready" });
