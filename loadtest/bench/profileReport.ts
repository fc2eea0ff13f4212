/**
 * What `npm run bench:profile` prints: the category and function tables of
 * a profile's breakdown, and a line describing the measured run.
 */
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable } from "../stats.ts";
import { breakdown, type CpuProfile, type ProfileBreakdown, type WindowUs } from "./cpuProfile.ts";
import type { Measurement } from "./measure.ts";
import { CATEGORY_RULES } from "./profileCategories.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const UNSAMPLED_LABEL = "main thread, sampled as idle (/proc - profile)";
const UNSAMPLED_NOTE = "\"Sampled as idle\": the main thread's CPU time (/proc) that the profile shows as idle. Node marks the whole"
  + " poll phase of its event loop idle, so native work there (epoll, socket reads in libuv and the kernel, before and after the"
  + " JavaScript callbacks) lands in (idle); the sampler's own signal handling adds a little.";

/** `file:///repo/node_modules/x/y.js` -> `x/y.js`; `file:///repo/rooms/a.ts` -> `rooms/a.ts`. */
function shortenUrl(url: string): string {
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const inModules = path.lastIndexOf("/node_modules/");
  if (inModules >= 0) return path.slice(inModules + "/node_modules/".length);
  return path.startsWith(REPO_ROOT) ? relative(REPO_ROOT, path) : path;
}

const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "-");

/**
 * One row per category, busiest first, then the busy total and idle; shares by sample count and by time.
 * `unsampledMsPerS`: main-thread CPU (from /proc) beyond what the profile saw busy, shown as its own row.
 */
function renderCategories(b: ProfileBreakdown, windowS: number, unsampledMsPerS: number | undefined): string {
  const idle = b.categories.find((c) => c.id === "idle") ?? { samples: 0, us: 0 };
  const busy = { samples: b.samples - idle.samples, us: b.windowUs - idle.us };
  const msPerS = (us: number) => (us / 1000 / windowS).toFixed(1);
  const rows = b.categories
    .filter((c) => c.id !== "idle")
    .sort((x, y) => y.us - x.us)
    .map((c) => [c.label, String(c.samples), pct(c.samples, busy.samples), msPerS(c.us), pct(c.us, busy.us)]);
  rows.push(["busy in the profile (all but idle)", String(busy.samples), "100%", msPerS(busy.us), "100%"]);
  if (unsampledMsPerS !== undefined) rows.push([UNSAMPLED_LABEL, "", "", unsampledMsPerS.toFixed(1), ""]);
  rows.push(["idle (waiting for I/O or timers)", String(idle.samples), "", msPerS(idle.us), ""]);
  return formatTable(["category", "samples", "% of busy samples", "ms/s", "% of busy time"], rows, ["left", "right", "right", "right", "right"]);
}

function renderFunctions(b: ProfileBreakdown, windowS: number, top: number): string {
  const idleUs = b.categories.find((c) => c.id === "idle")?.us ?? 0;
  const rows = b.functions
    .filter((f) => f.category !== "idle")
    .slice(0, top)
    .map((f) => [f.functionName, f.location === "" ? "(native)" : f.location, f.category, String(f.samples),
      (f.us / 1000 / windowS).toFixed(1), pct(f.us, b.windowUs - idleUs)]);
  return formatTable(["function (self time)", "where", "category", "samples", "ms/s", "% of busy"], rows,
    ["left", "left", "left", "right", "right", "right"]);
}

export function describeRun(m: Measurement): string {
  return `${m.joined}/${m.players} joined in ${m.rooms} room${m.rooms === 1 ? "" : "s"}, ${m.isPass ? "pass" : `FAIL (${m.failure})`}, `
    + `interval p99 ${m.updateIntervalP99Ms.toFixed(0)} ms, ${m.bytesPerClientPerS.toFixed(0)} B/client/s, `
    + `generator ${m.generatorCpuPct.toFixed(0)}% CPU${m.isGeneratorBehind ? " (behind)" : ""}, `
    + `run-queue wait server ${m.serverRunQueueWaitMsPerS.toFixed(0)} / generator ${m.generatorRunQueueWaitMsPerS.toFixed(0)} ms/s`
    + `${m.isContended ? " (busy cores: other processes took time on them)" : ""}`;
}

export interface Analysis {
  result: ProfileBreakdown;
  windowS: number;
  /** The main (JavaScript) thread's non-idle samples over the window, ms per s. */
  profiledBusyMsPerS: number;
}

export function analyse(profile: CpuProfile, window: WindowUs | undefined): Analysis {
  const result = breakdown(profile, CATEGORY_RULES, window, shortenUrl);
  const span = window ?? { startUs: profile.startTime, endUs: profile.endTime };
  const windowS = (span.endUs - span.startUs) / 1e6;
  const idleUs = result.categories.find((c) => c.id === "idle")?.us ?? 0;
  return { result, windowS, profiledBusyMsPerS: (result.windowUs - idleUs) / 1000 / windowS };
}

export function printAnalysis(a: Analysis, top: number, unsampledMsPerS?: number): void {
  console.log(`\n${renderCategories(a.result, a.windowS, unsampledMsPerS)}`);
  if (top > 0) console.log(`\n${renderFunctions(a.result, a.windowS, top)}`);
  console.log("\nSelf time of the server's main thread over the measured window; each sample goes to the first category matching any"
    + " frame of its stack (loadtest/bench/profileCategories.ts). ms/s: ms per second of wall time (1000 = one core). The /proc figure"
    + " also counts the server's other threads (concurrent GC, libuv) and the profiler's own cost."
    + (unsampledMsPerS === undefined ? "" : ` ${UNSAMPLED_NOTE}`));
}

