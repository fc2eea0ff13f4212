import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { CONTENDER_IDS, ROOMS_OF_PLAYERS } from "../loadtest/bench/contenders.ts";
import type { BenchResults } from "../loadtest/bench/report.ts";
import { startScript, type ScriptRun } from "./support/scriptProcess.ts";
import { tempDir } from "./support/tempDir.ts";

const CLI = fileURLToPath(new URL("../loadtest/bench/bench.ts", import.meta.url));
/** The figures the issue asks for, per contender: all numeric (RTT is null where the protocol has no ack). */
const FIGURES = [
  "bytesPerClientPerS", "serverCpuMsPerS", "serverCpuMsPerSPerClient", "updateIntervalP99Ms", "serverRssMb",
  "capacityPlayers", "generatorCpuPct",
] as const;

/**
 * Runs the CLI as a user would. Every process it starts inherits BENCH_TEST_TAG,
 * so the test can find any it left behind.
 */
function startCli(args: string[], tag: string, deadlineMs: number): ScriptRun {
  return startScript(CLI, args, { env: { BENCH_TEST_TAG: tag }, deadlineMs });
}

/** Pids of live processes whose environment carries `tag` (the CLI's children, grandchildren...). */
async function processesTagged(tag: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readFile(`/proc/${entry}/environ`, "utf8")).includes(`BENCH_TEST_TAG=${tag}`)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

describe("npm run bench", () => {
  it("--quick runs every contender and writes a complete results file, leaving no process behind", async () => {
    const tag = randomUUID();
    // More players than one room of the rooms scenario holds; 1 s windows keep six contenders about as quick as five were.
    const players = ROOMS_OF_PLAYERS + 10;
    const run = startCli(["--quick", "--players", String(players), "--duration", "1", "--out-dir", await tempDir("bench-")], tag, 280_000);
    const { code } = await run.exited;
    expect(code, run.stdout() + run.stderr()).toBe(0);

    const path = /^results: (.+\.json)$/m.exec(run.stdout())?.[1];
    expect(path, run.stdout()).toBeDefined();
    const results = JSON.parse(await readFile(path!, "utf8")) as BenchResults;
    expect(results.contenders.map((c) => c.id)).toEqual([...CONTENDER_IDS]);
    for (const contender of results.contenders) {
      for (const figure of FIGURES) {
        expect(Number.isFinite(contender[figure]), `${contender.id}.${figure} = ${contender[figure]}`).toBe(true);
      }
      if (contender.hasAcks) expect(Number.isFinite(contender.rttP99Ms), `${contender.id}.rttP99Ms`).toBe(true);
      else expect(contender.rttP99Ms, `${contender.id}.rttP99Ms`).toBeNull();
      for (const [name, value] of Object.entries(contender.ratios)) {
        expect(Number.isFinite(value), `${contender.id}.ratios.${name} = ${value}`).toBe(true);
      }
      expect(typeof contender.isGeneratorBound).toBe("boolean");
      expect(contender.run.players).toBe(players);
      expect(contender.capacity.steps.length).toBeGreaterThanOrEqual(1);
    }
    const oneRoom = results.contenders.find((c) => c.id === "this-server")!;
    const rooms = results.contenders.find((c) => c.id === "this-server-rooms")!;
    expect(oneRoom.ratios.bytes).toBe(1);
    // One scenario shares one room; the other fills rooms of 20 and matchmaking opens the next.
    expect(oneRoom.run.rooms).toBe(1);
    expect(rooms.run.rooms).toBe(Math.ceil(players / ROOMS_OF_PLAYERS));
    expect(rooms.run.failure).not.toContain("split");
    expect(results.targets.map((t) => t.target)).toEqual([
      ">= 10x fewer bytes per client than naive JSON (ws)",
      ">= 3x fewer bytes per client than stock Colyseus",
      "this server: >= 1,000 players in one process",
      "this server, rooms of 20: >= 1,000 players in one process",
      `CPU per player-second <= naive JSON (ws)'s (at ${players} players)`,
      "this server: >= 50% of the send limit's players",
      "this server, rooms of 20: >= 50% of the send limit's players",
    ]);
    expect(results.machine.cpus).toBeGreaterThan(0);
    expect(results.scenario).toMatchObject({ players, durationS: 1, isQuick: true, tickHz: 30, patchHz: 20 });
    expect(results.sendLimit.bytesPerUpdate).toBeGreaterThan(0);
    expect(await readFile(path!.replace(/\.json$/, ".md"), "utf8")).toContain(results.command);

    // The table on stdout names every contender.
    for (const contender of results.contenders) expect(run.stdout()).toContain(contender.label);
    expect(await processesTagged(tag)).toEqual([]);
  }, 300_000);

  it("stops every server and load generator it started on Ctrl-C", async () => {
    const tag = randomUUID();
    const run = startCli(["--quick", "--players", "4", "--out-dir", await tempDir("bench-")], tag, 60_000);
    // Wait until a server and its load generator run, then interrupt.
    await vi.waitFor(async () => expect((await processesTagged(tag)).length).toBeGreaterThanOrEqual(3), { timeout: 30_000, interval: 100 });
    run.child.kill("SIGINT");
    expect((await run.exited).code).toBe(130);
    await vi.waitFor(async () => expect(await processesTagged(tag)).toEqual([]), { timeout: 5_000, interval: 100 });
  }, 60_000);

  it("exits 2 with the usage on a bad argument", async () => {
    const run = startCli(["--players", "many"], randomUUID(), 20_000);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr()).toMatch(/^--players must be an integer from 1 to 10000/);
    expect(run.stderr()).toContain("usage: npm run bench");
  });
});
