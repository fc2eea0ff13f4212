/**
 * `npm run heap-check [-- --seconds 120 --clients 40]`
 *
 * Is there a per-join leak? Starts one server process with a full GC every
 * 10 s (loadtest/heapProbe.ts) and, from this process, churns SDK clients
 * through it: N join, send a few inputs, play 1.5 s, leave; repeat. Prints
 * the server's heap after each GC: flat means joins, rooms and leaves leave
 * nothing behind. Loopback only; stops by itself.
 */
import { Client } from "@colyseus/sdk";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { SERVER_MESSAGES } from "../rooms/messages.ts";
import type { PlayerInput } from "../rooms/schema/ArenaState.ts";
import { failUsage, parseCommandLine } from "../src/commandLine.ts";
import { parseHeapLine } from "./heapSample.ts";
import { freePort } from "./ports.ts";

const USAGE = `usage: npm run heap-check -- [--seconds 120] [--clients 40]

Is there a per-join leak? Starts one server process (loopback, free port) that runs a full garbage
collection every 10 s, and churns SDK clients through it: N join, send a few inputs, play 1.5 s,
leave; repeat. Prints the server's heap after each collection: flat means joins, rooms and leaves
leave nothing behind.

  --seconds S   how long to churn, 20-3600 (default 120)
  --clients N   clients joining at a time, 1-500 (default 40)

environment: none.`;
const spec = {
  name: "heap-check",
  usage: USAGE,
  options: { seconds: { type: "string", default: "120" }, clients: { type: "string", default: "40" } },
} as const;
const args = parseCommandLine(spec);
const seconds = Number(args.seconds);
const clientsPerRound = Number(args.clients);
if (!(seconds >= 20 && seconds <= 3_600)) failUsage(spec, `--seconds must be a number from 20 to 3600 (got "${args.seconds}")`);
if (!Number.isInteger(clientsPerRound) || clientsPerRound < 1 || clientsPerRound > 500) failUsage(spec, `--clients must be an integer from 1 to 500 (got "${args.clients}")`);

const port = await freePort();
const server = spawn(process.execPath, ["--expose-gc", "--import", fileURLToPath(new URL("./heapProbe.ts", import.meta.url)),
  fileURLToPath(new URL("../src/index.ts", import.meta.url))], {
  env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", ARENA_MAX_CLIENTS: "32",
    ADMIN_PORT: "0", RATE_LIMIT_EXEMPT: "127.0.0.1,::1", HEAP_PROBE_INTERVAL_S: "10",
    // One embedded process with anonymous joins, whatever the caller's environment sets.
    REDIS_URL: "", JOIN_SECRET: "", PUBLIC_ADDRESS: "" },
  stdio: ["ignore", "ignore", "pipe"],
});
process.on("exit", () => server.kill("SIGKILL"));
const heapsMb: number[] = [];
createInterface({ input: server.stderr! }).on("line", (line) => {
  const sample = parseHeapLine(line);
  if (sample !== undefined) heapsMb.push(sample.heapUsedBytes / 1e6);
});
const url = `ws://127.0.0.1:${port}`;
for (const deadline = Date.now() + 20_000; !(await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false));) {
  if (Date.now() > deadline) throw new Error("server did not start");
  await new Promise((r) => setTimeout(r, 100));
}

let joins = 0;
const startedAt = Date.now();
while (Date.now() - startedAt < seconds * 1000) {
  const rooms = await Promise.all(Array.from({ length: clientsPerRound }, (_, i) => new Client(url).joinOrCreate("arena", { name: `h${i}` })));
  joins += rooms.length;
  for (const room of rooms) {
    room.onMessage(SERVER_MESSAGES.KILL, () => undefined);
    const input = room.input<PlayerInput>();
    for (let seq = 1; seq <= 5; seq++) {
      input.data.seq = seq;
      input.data.moveX = 1;
      input.data.fire = true;
      input.send();
    }
  }
  await new Promise((r) => setTimeout(r, 1_500));
  await Promise.all(rooms.map((room) => room.leave()));
}
server.kill("SIGTERM");
console.log(`heap-check: ${joins} joins and leaves in ${seconds} s, ${clientsPerRound} clients at a time`);
console.log(`server heap after each full GC (MB): ${heapsMb.map((h) => h.toFixed(1)).join(" ")}`);
process.exit(0);
