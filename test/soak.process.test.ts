import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { SoakReport } from "../loadtest/soakReport.ts";
import { requireTool } from "./support/requireTool.ts";
import { startScript } from "./support/scriptProcess.ts";
import { tempDir } from "./support/tempDir.ts";

const SOAK = fileURLToPath(new URL("../loadtest/soak.ts", import.meta.url));
const redisServer = requireTool("redis-server");

describe.skipIf(redisServer === undefined)("npm run soak, a short run", () => {
  it("runs its own cluster with JOIN_SECRET, kills and replaces a worker, and reports memory per worker process after forced GCs", async () => {
    const jsonPath = join(await tempDir("soak-"), "soak.json");
    // 18 s: the kill at 6 s, a forced GC every 2 s, no warm-up left out.
    // SIGINT at the deadline: the soak stops the cluster it started.
    const { code, stdout, stderr } = await startScript(SOAK, ["--minutes", "0.3", "--bots", "8", "--workers", "2", "--kill-at", "0.1",
      "--warmup-minutes", "0", "--gc-every-s", "2", "--input-hz", "5", "--json", jsonPath], { deadlineMs: 80_000, deadlineSignal: "SIGINT" }).exited;
    expect(code, stdout + stderr).toBe(0);
    expect(stderr).toMatch(/killed worker 2 \(pid \d+\)/);
    const report = JSON.parse(await readFile(jsonPath, "utf8")) as SoakReport;
    expect(report).toMatchObject({ minutes: 0.3, bots: 8, workers: 2, killAtMinutes: 0.1, killedWorker: 2 });
    // Worker 1 on each side of the kill, worker 2 until the kill, and the process the supervisor started in its place.
    expect(report.processes.map((p) => [p.worker, p.isRestart, p.window])).toEqual([
      [1, false, "before the kill"], [1, false, "after the kill"], [2, false, "before the kill"], [2, true, "after its start"],
    ]);
    const worker1 = report.processes[1]!;
    expect(worker1.samples).toBeGreaterThanOrEqual(4);
    expect(worker1.heapStartMb).toBeGreaterThan(1);
    expect(worker1.rssStartMb).toBeGreaterThan(worker1.heapStartMb!);
    expect(worker1.heapSlopePctPerH).not.toBeNull();
    // Every bot joined with a token signed with the cluster's secret (a refused token would be a 525 here).
    expect(report.joins).toBeGreaterThanOrEqual(8);
    expect(JSON.stringify(report.joinFailures)).not.toContain("525");
    expect(report.verdicts.map((v) => v.target)).toEqual(expect.arrayContaining([
      "RSS slope < 5%/h after warm-up", "post-GC heap slope < 5%/h after warm-up", "no unexpected disconnects", "no server errors",
      "no failed joins but those in flight to the killed worker",
    ]));
    expect(stdout).toMatch(/^(met|NOT MET): no unexpected disconnects: \d+$/m);
  }, 100_000);
});
