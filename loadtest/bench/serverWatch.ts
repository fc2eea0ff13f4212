/**
 * The profiled server seen from outside, through Linux's /proc: which child
 * process it is, its main thread's CPU over time, and V8's profiler thread,
 * which is moved off the server's core.
 *
 * Why move it: taskset pins every thread of the server to one core, the
 * profiler's sampling thread included. That thread then waits for the core
 * while the main thread runs and fires mostly once it goes idle, so busy
 * time is under-sampled and the sampler's own CPU is charged to the server's
 * core. On another core it samples on time; the signal handler that records
 * each sample still runs on the main thread (the profiler's unavoidable cost).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { hasTaskset } from "./children.ts";
import { mainThreadCpuMs } from "./procStats.ts";

/** V8's CPU profiler thread (SamplingEventsProcessor): it sends the sampling signals. */
const PROFILER_THREAD_NAME = "v8:ProfEvntProc";
const POLL_MS = 100;

/** A direct child of this process whose command line holds `script` (taskset execs node in place, so it is node). */
function findChild(script: string): number | undefined {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(script)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

function threadNamed(pid: number, name: string): number | undefined {
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    if (readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim() === name) return Number(tid);
  }
  return undefined;
}

interface CpuSample {
  atMs: number;
  mainCpuMs: number;
}

export class ProfiledServerWatch {
  private pid: number | undefined;
  private readonly samples: CpuSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The core the profiler thread was moved to, once it has been. */
  profilerCore: number | undefined;

  /** Polls for the server (a child running `script`), moves its profiler thread to `profilerCore` (if given) and samples its CPU. */
  start(script: string, profilerCore: number | undefined): void {
    this.timer = setInterval(() => {
      try {
        this.pid ??= findChild(script);
        if (this.pid === undefined) return;
        if (profilerCore !== undefined && this.profilerCore === undefined && hasTaskset) {
          const tid = threadNamed(this.pid, PROFILER_THREAD_NAME);
          if (tid !== undefined && spawnSync("taskset", ["-p", "-c", String(profilerCore), String(tid)]).status === 0) {
            this.profilerCore = profilerCore;
          }
        }
        this.samples.push({ atMs: performance.now(), mainCpuMs: mainThreadCpuMs(this.pid) });
      } catch {
        // The server exited between two reads: the samples so far stand.
      }
    }, POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * The server main thread's CPU over [startMs, endMs] (performance.now()),
   * ms per s: over the part of it the samples cover (the server may exit
   * before the next poll after the window); NaN when they cover none of it.
   */
  mainThreadCpuMsPerS(startMs: number, endMs: number): number {
    const last = this.samples.at(-1);
    const end = Math.min(endMs, last?.atMs ?? Number.NEGATIVE_INFINITY);
    const at = (t: number) => {
      const after = this.samples.findIndex((s) => s.atMs >= t);
      if (after < 0) return Number.NaN;
      if (after === 0) return this.samples[0]!.atMs === t ? this.samples[0]!.mainCpuMs : Number.NaN;
      const a = this.samples[after - 1]!;
      const b = this.samples[after]!;
      return a.mainCpuMs + ((b.mainCpuMs - a.mainCpuMs) * (t - a.atMs)) / (b.atMs - a.atMs);
    };
    return end > startMs ? ((at(end) - at(startMs)) * 1000) / (end - startMs) : Number.NaN;
  }
}
