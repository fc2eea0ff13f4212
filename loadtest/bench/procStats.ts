/**
 * A process's CPU time and memory, read from Linux's /proc: the harness
 * measures its children from outside, so nothing in them changes to be measured.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux almost everywhere). */
const TICKS_PER_S = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

export function isProcAvailable(): boolean {
  try {
    readFileSync("/proc/self/stat");
    return true;
  } catch {
    return false;
  }
}

/** User + system CPU time of `pid` (all its threads) so far, ms. */
export function cpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/stat`);
}

/** The same, for its main thread alone (the JavaScript thread). */
export function mainThreadCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuMs(path: string): number {
  const stat = readFileSync(path, "utf8");
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
}

/** Resident set size of `pid`, bytes. */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match === null ? Number.NaN : Number(match[1]) * 1024;
}

/**
 * Time the main thread of `pid` spent runnable but waiting for a CPU so far,
 * ms (/proc/<pid>/schedstat): other processes on its core, or its own helper
 * threads (GC, I/O) when the process is pinned to one core. NaN where the
 * kernel does not keep it.
 */
export function runQueueWaitMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/schedstat`, "utf8").trim().split(" ");
    return Number(fields[1]) / 1e6;
  } catch {
    return Number.NaN;
  }
}
