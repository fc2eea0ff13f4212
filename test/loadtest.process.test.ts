import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { freePort } from "../loadtest/ports.ts";
import type { LoadReport } from "../loadtest/loadtestReport.ts";
import { startScript, type ScriptRun } from "./support/scriptProcess.ts";
import { startServer } from "./support/serverProcess.ts";
import { tempDir } from "./support/tempDir.ts";
import { shared } from "./support/teardown.ts";

const CLI = fileURLToPath(new URL("../loadtest/loadtest.ts", import.meta.url));
const REQUIRED_KEYS = [
  "bots", "joined", "failed", "durationS", "joinMs", "rttMs", "patchIntervalMs", "bytesDownPerBotPerS",
  "bytesUpPerBotPerS", "disconnects", "errors", "generatorCpuPct", "slo",
];

const server = shared(() => startServer({ LOG_LEVEL: "info" }));

/** Starts the CLI as its own process, as a user would, with `env` on top of this one's; the deadline kills a run that hangs. */
function startCli(args: string[], deadlineMs: number, env: Record<string, string> = {}): ScriptRun {
  return startScript(CLI, args, { env, deadlineMs });
}

/** Where a test's report goes: a file in a directory of its own, removed when the test ends. */
async function reportPath(name: string): Promise<string> {
  return join(await tempDir("loadtest-"), name);
}

async function readReport(path: string): Promise<LoadReport> {
  return JSON.parse(await readFile(path, "utf8")) as LoadReport;
}

describe("npm run loadtest against a real server", () => {
  it("runs 50 bots for 5 s: all join, RTT and bytes are plausible, every report key is there, and the bots leave", async () => {
    const jsonPath = await reportPath("run.json");
    const run = startCli([
      "--url", server().wsUrl, "--mode", "lt-run", "--bots", "50", "--ramp", "100", "--duration", "5",
      "--workers", "2", "--probe-bots", "10", "--json", jsonPath, "--slo", "errors==0,rtt_p99_ms<=1000",
    ], 45_000);
    const { code } = await run.exited;
    expect(run.stderr()).toMatch(/connected \d+\/50 joining \d+ failed 0 \| \d+ patches\/s \| down [\d.]+ KB\/s up [\d.]+ KB\/s \| rtt p50\/p99/);
    expect(code, run.stdout() + run.stderr()).toBe(0);

    const report = await readReport(jsonPath);
    for (const key of REQUIRED_KEYS) expect(report, key).toHaveProperty(key);
    expect(report).toMatchObject({ bots: 50, joined: 50, failed: 0, errors: 0, disconnects: {}, slo: { pass: true, failures: [] } });
    expect(report.durationS).toBeGreaterThanOrEqual(4.5);
    expect(report.joinMs.p50).toBeGreaterThan(0);
    expect(report.joinMs.p99).toBeLessThan(10_000);
    // Loopback: an input waits at most a tick (33 ms) and a patch (50 ms) for its ack, plus queueing on a shared 2-core box.
    expect(report.rttMs.p50).toBeGreaterThan(0);
    expect(report.rttMs.p99).toBeGreaterThanOrEqual(report.rttMs.p50!);
    expect(report.rttMs.p999).toBeGreaterThanOrEqual(report.rttMs.p99!);
    expect(report.rttMs.p99).toBeLessThan(1_000);
    expect(report.rttSamples).toBeGreaterThan(100);
    // PATCH_HZ 20: about 50 ms between patches.
    expect(report.patchIntervalMs.p50).toBeGreaterThan(20);
    expect(report.patchIntervalMs.p50).toBeLessThan(200);
    expect(report.patchesPerBotPerS).toBeGreaterThan(10);
    expect(report.patchesPerBotPerS).toBeLessThan(30);
    // Down: 20 patches/s of at least the 9-byte TIMED header; up: 30 inputs/s of a few bytes each.
    expect(report.bytesDownPerBotPerS).toBeGreaterThan(180);
    expect(report.bytesDownPerBotPerS).toBeLessThan(200_000);
    expect(report.bytesUpPerBotPerS).toBeGreaterThan(30);
    expect(report.bytesUpPerBotPerS).toBeLessThan(5_000);
    expect(report.inputs.acked).toBeGreaterThan(report.inputs.sent * 0.9);
    expect(report.generatorCpuPct).toBeGreaterThan(0);
    expect(run.stdout()).toMatch(/bots joined \/ failed\s+50 \/ 0 of 50/);

    await vi.waitFor(async () => {
      const health = await (await fetch(`${server().httpUrl}/healthz`)).json() as { clients: number };
      expect(health.clients).toBe(0);
    }, { timeout: 15_000, interval: 200 });
  }, 60_000);

  it("exits 1 with the broken clause when the SLO cannot hold", async () => {
    const jsonPath = await reportPath("impossible.json");
    const run = startCli([
      "--url", server().wsUrl, "--mode", "lt-slo", "--bots", "4", "--ramp", "50", "--duration", "2",
      "--workers", "1", "--json", jsonPath, "--slo", "rtt_p99_ms<=0.001,errors==0",
    ], 30_000);
    const { code } = await run.exited;
    expect(code, run.stdout() + run.stderr()).toBe(1);
    expect(run.stdout()).toMatch(/SLO rtt_p99_ms<=0\.001,errors==0\s+FAIL/);
    const report = await readReport(jsonPath);
    expect(report.joined).toBe(4);
    expect(report.slo.pass).toBe(false);
    expect(report.slo.failures).toEqual([expect.stringMatching(/^rtt_p99_ms<=0\.001: measured /)]);
  }, 40_000);

  it("exits 1 within seconds with a clear error when nothing listens at the URL", async () => {
    const port = await freePort();
    const run = startCli(["--url", `ws://127.0.0.1:${port}`, "--bots", "5"], 20_000);
    const { code, elapsedMs } = await run.exited;
    expect(code).toBe(1);
    expect(elapsedMs).toBeLessThan(10_000);
    expect(run.stderr().trim()).toBe(`loadtest: cannot reach ws://127.0.0.1:${port}: ECONNREFUSED`);
  });

  it("exits 2 with a one-line reason and the usage line on bad arguments", async () => {
    const run = startCli(["--bots", "many"], 20_000);
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.stderr().trim().split("\n")).toEqual(['loadtest: --bots must be an integer from 1 to 50000 (got "many")', expect.stringMatching(/^usage: npm run loadtest -- /)]);
  });

  it("--find-capacity adds bots step by step and reports the highest count that held the SLO", async () => {
    const jsonPath = await reportPath("capacity.json");
    const run = startCli([
      "--url", server().wsUrl, "--mode", "lt-cap", "--find-capacity", "--bots", "6", "--step-bots", "3",
      "--step-duration", "2", "--ramp", "50", "--workers", "1", "--json", jsonPath, "--slo", "errors==0,rtt_p99_ms<=1000",
    ], 40_000);
    const { code } = await run.exited;
    const report = await readReport(jsonPath);
    const capacity = report.capacity!;
    expect(run.stdout()).toContain("capacity:");
    expect(capacity.steps[0]).toMatchObject({ ccu: 3, joined: 3, failed: 0 });
    // On a busy shared machine the generator's own input loop may fall behind; the search then
    // (rightly) stops on the generator instead of claiming a capacity it did not measure.
    if (capacity.limitedBy === "generator") {
      expect(capacity.steps.at(-1)!.isGeneratorSaturated).toBe(true);
      return;
    }
    expect(code, run.stdout() + run.stderr()).toBe(0);
    expect(capacity).toMatchObject({ highestPassingCcu: 6, limitedBy: "max-bots", stepBots: 3 });
    expect(capacity.steps.map((s) => [s.ccu, s.isSloPass])).toEqual([[3, true], [6, true]]);
    expect(report).toMatchObject({ bots: 6, joined: 6, errors: 0, slo: { pass: true } });
  }, 50_000);

  it("stops cleanly on SIGINT with a partial report", async () => {
    const jsonPath = await reportPath("interrupted.json");
    const run = startCli([
      "--url", server().wsUrl, "--mode", "lt-int", "--bots", "6", "--ramp", "50", "--duration", "120",
      "--workers", "1", "--json", jsonPath,
    ], 40_000);
    await vi.waitFor(() => expect(run.stderr()).toContain("[full load"), { timeout: 20_000, interval: 100 });
    run.child.kill("SIGINT");
    const { code } = await run.exited;
    expect(code, run.stdout() + run.stderr()).toBe(0);
    expect(run.stderr()).toContain("partial report");
    const report = await readReport(jsonPath);
    expect(report).toMatchObject({ interrupted: true, joined: 6, errors: 0 });
    expect(report.durationS).toBeLessThan(60);
    await vi.waitFor(async () => {
      const health = await (await fetch(`${server().httpUrl}/healthz`)).json() as { clients: number };
      expect(health.clients).toBe(0);
    }, { timeout: 15_000, interval: 200 });
  }, 50_000);
});

describe("npm run loadtest against a server that sets JOIN_SECRET, with the default rate limits", () => {
  const SECRET = "loadtest-join-secret-0123456789-abcdefghij";
  // No address exempt: this machine's joins count against MAX_JOINS_PER_ADDRESS_PER_MIN (120) like anyone's.
  const guarded = shared(() => startServer({ LOG_LEVEL: "info", JOIN_SECRET: SECRET, RATE_LIMIT_EXEMPT: "" }));

  it("with the secret, every bot joins with its own token", async () => {
    const jsonPath = await reportPath("secret.json");
    // The secret from the environment, as the usage advises (a flag shows in ps).
    const run = startCli([
      "--url", guarded().wsUrl, "--bots", "6", "--ramp", "20", "--duration", "2", "--workers", "1", "--json", jsonPath,
    ], 40_000, { JOIN_SECRET: SECRET });
    const { code } = await run.exited;
    expect(code, run.stdout() + run.stderr()).toBe(0);
    expect(await readReport(jsonPath)).toMatchObject({ joined: 6, failed: 0, errors: 0, joinFailures: {} });
  }, 50_000);

  it("without it, the run ends with the token refusals counted by reason and what to do about them", async () => {
    const jsonPath = await reportPath("no-secret.json");
    const run = startCli(["--url", guarded().wsUrl, "--bots", "4", "--ramp", "20", "--duration", "1", "--workers", "1", "--json", jsonPath], 40_000, { JOIN_SECRET: "" });
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(await readReport(jsonPath)).toMatchObject({ joined: 0, failed: 4, joinFailures: { "525: a join token is required": 4 } });
    expect(run.stdout()).toMatch(/join failed\s+4 x 525: a join token is required/);
    expect(run.stderr()).toContain("loadtest: 4 join(s) refused for their token (525): the server sets JOIN_SECRET; pass the same secret with --join-secret or the JOIN_SECRET environment variable");
  }, 50_000);
});

describe("npm run loadtest past a server's per-address join limit", () => {
  const limited = shared(() => startServer({ LOG_LEVEL: "info", RATE_LIMIT_EXEMPT: "", MAX_JOINS_PER_ADDRESS_PER_MIN: "3" }));

  it("counts the refused joins under 429 and says in one line how to stay under the limit", async () => {
    const jsonPath = await reportPath("limited.json");
    const run = startCli(["--url", limited().wsUrl, "--bots", "6", "--ramp", "20", "--duration", "1", "--workers", "1", "--json", jsonPath], 40_000);
    const { code } = await run.exited;
    expect(code).toBe(1);
    const report = await readReport(jsonPath);
    expect(report).toMatchObject({ joined: 3, failed: 3 });
    expect(Object.keys(report.joinFailures)).toEqual(["429: too many matchmaking requests from your address: retry in N s"]);
    const advice = run.stderr().split("\n").filter((line) => line.includes("(429)"));
    expect(advice).toEqual([expect.stringMatching(/^loadtest: 3 join\(s\) refused by the server's per-address rate limit \(429\): .*--ramp.*RATE_LIMIT_EXEMPT$/)]);
  }, 50_000);
});
