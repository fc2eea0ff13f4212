/**
 * Load generator of `npm run bench:tick`: N real SDK clients on loopback that
 * move, aim and (20% of them) fire every tick, and count what they receive.
 * Runs as its own process (pinned to another core when taskset exists) so
 * decoding never shares the server's CPU. Job in argv[2] as JSON; result on
 * stdout as one JSON line.
 */
import { Client, type Room } from "@colyseus/sdk";
import { nextRandom } from "../src/sim/rng.ts";
import { SERVER_MESSAGES } from "../rooms/messages.ts";
import type { PlayerInput } from "../rooms/schema/ArenaState.ts";
import { protocolCode, ROOM_STATE_PATCH_CODE, tapFrames } from "./frame.ts";
import { createTally, tallyPatch, type PatchTally } from "./patchTally.ts";

export interface BenchTickClientsJob {
  url: string;
  mode: string;
  players: number;
  tickHz: number;
  warmupMs: number;
  measureMs: number;
}

export interface BenchTickClientsResult {
  joined: number;
  patches: number;
  patchBytes: number;
  /** Visible entities that moved, or came into view, summed over every client's patches. */
  changedEntities: number;
  /** The same split: players that moved (by ref-id band and axes), came into view; projectiles that spawned. */
  tally: PatchTally;
  measuredMs: number;
  /** This process's CPU over the measured window, in % of one core. */
  generatorCpuPct: number;
}

interface Bot {
  room: Room;
  rng: { rngState: number };
  isFiring: boolean;
  moveX: number;
  moveY: number;
  aim: number;
  seq: number;
  lastSeen: Map<string, number>;
}

async function run(job: BenchTickClientsJob): Promise<BenchTickClientsResult> {
  const sdk = new Client(job.url);
  const bots: Bot[] = [];
  let isMeasuring = false;
  const totals = { patches: 0, patchBytes: 0, changedEntities: 0 };
  const tally = createTally();

  for (let i = 0; i < job.players; i++) {
    const room = await sdk.joinOrCreate("arena", { mode: job.mode, name: `bot${i}` });
    room.onMessage(SERVER_MESSAGES.KILL, () => undefined);
    const bot: Bot = { room, rng: { rngState: 1000 + i }, isFiring: i % 5 === 0, moveX: 0, moveY: 0, aim: 0, seq: 0, lastSeen: new Map() };
    tapFrames(room, (event, deliver) => {
      deliver(event);
      const bytes = new Uint8Array(event.data as ArrayBuffer);
      if (!isMeasuring || protocolCode(bytes[0] ?? 0) !== ROOM_STATE_PATCH_CODE) return;
      totals.patches++;
      totals.patchBytes += bytes.byteLength;
      totals.changedEntities += countChanged(bot, tally);
    });
    bots.push(bot);
  }

  const input = (bot: Bot) => bot.room.input<PlayerInput>();
  const tick = setInterval(() => {
    for (const bot of bots) {
      if (nextRandom(bot.rng) < 0.03) {
        bot.moveX = Math.floor(nextRandom(bot.rng) * 3) - 1;
        bot.moveY = Math.floor(nextRandom(bot.rng) * 3) - 1;
      }
      bot.aim += (nextRandom(bot.rng) - 0.5) * 0.3;
      const handle = input(bot);
      handle.data.seq = ++bot.seq;
      handle.data.moveX = bot.moveX;
      handle.data.moveY = bot.moveY;
      handle.data.aim = ((bot.aim % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
      handle.data.fire = bot.isFiring;
      handle.send();
    }
  }, 1000 / job.tickHz);

  await new Promise((r) => setTimeout(r, job.warmupMs));
  for (const bot of bots) countChanged(bot, createTally()); // baseline positions
  isMeasuring = true;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await new Promise((r) => setTimeout(r, job.measureMs));
  isMeasuring = false;
  const measuredMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(tick);
  await Promise.all(bots.map((b) => b.room.leave()));
  const generatorCpuPct = ((cpu.user + cpu.system) / 1000 / measuredMs) * 100;
  return { joined: bots.length, ...totals, tally, measuredMs, generatorCpuPct };
}

/** Entities in this client's state that moved or appeared since its previous patch (also added to `tally`). */
function countChanged(bot: Bot, tally: PatchTally): number {
  const state = bot.room.state as { players: Map<string, { x: number; y: number }>; projectiles: Map<string, unknown> };
  const before = tally.moved + tally.entered + tally.spawned;
  bot.lastSeen = tallyPatch(bot.lastSeen, state.players, state.projectiles.keys(), (p) => p.x * 65_536 + p.y, tally);
  return tally.moved + tally.entered + tally.spawned - before;
}

const result = await run(JSON.parse(process.argv[2] ?? "{}") as BenchTickClientsJob);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
