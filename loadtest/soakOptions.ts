/** Command-line flags of `npm run soak`, parsed into a frozen options object (pure: tests call it directly). */
import { readCommandLine, type CommandLine } from "../src/commandLine.ts";
import { FlagError, integerFlag, numberFlag } from "./flagValues.ts";

export interface SoakOptions {
  minutes: number;
  bots: number;
  workers: number;
  inputHz: number;
  /** Minutes from the start at which the last worker is SIGKILLed; undefined: no kill. */
  killAtMinutes: number | undefined;
  /** Samples before this are left out of the slopes (a restarted worker: this long after its restart). */
  warmupMinutes: number;
  /** Seconds between the forced full collections that give the post-GC heap. */
  gcEveryS: number;
  jsonPath: string | undefined;
}

export const SOAK_USAGE = `usage: npm run soak -- [--minutes 30] [--bots 1000] [--workers 2] [--no-kill | --kill-at MIN] [flags]

A cluster of its own (a private redis-server and npm run cluster workers on free loopback ports,
JOIN_SECRET set, this machine exempt from the per-address limits) under light bots with churn:
each bot joins with its own signed token, sends inputs, leaves after 30-120 s and is replaced.
Bots matchmake through the workers round-robin, skipping one that refuses connections for a few
seconds, as a load balancer's health check would. By default the last worker is killed midway
(SIGKILL; the supervisor restarts it). Every worker runs a full GC every --gc-every-s and
reports the heap that survived it. Prints, after the warm-up: RSS and post-GC heap slopes per
hour for every worker process, tick overruns, unexpected disconnects, server errors, and joins
and failed joins by reason (before, around and after the kill). Stops by itself.

  --minutes M         run length, 0.2-1440 (default 30)
  --bots N            bots kept live, 1-5000 (default 1000)
  --workers N         cluster workers, 1-8 (default 2)
  --input-hz N        inputs per bot per second, 1-60 (default 10)
  --kill-at MIN       kill the last worker this many minutes in (default: half the run)
  --no-kill           kill no worker: the run measures a steady cluster
  --warmup-minutes W  left out of the slopes, from the start and after a restart (default: 20% of the run, at most 5)
  --gc-every-s S      seconds between forced full GCs in each worker, 1-600 (default 30)
  --json FILE         also write the report as JSON

environment: none (the cluster's settings are the soak's own; needs redis-server on the PATH).
exit code: 0 the run completed (read the verdict lines), 1 it could not run, 2 bad arguments`;

const SPEC = {
  name: "soak",
  usage: SOAK_USAGE,
  options: {
    minutes: { type: "string", default: "30" },
    bots: { type: "string", default: "1000" },
    workers: { type: "string", default: "2" },
    "input-hz": { type: "string", default: "10" },
    "kill-at": { type: "string" },
    "no-kill": { type: "boolean", default: false },
    "warmup-minutes": { type: "string" },
    "gc-every-s": { type: "string", default: "30" },
    json: { type: "string" },
  },
} as const;

export type ParsedSoakArgs = { kind: "values"; value: Readonly<SoakOptions> } | { kind: "help" } | { kind: "error"; message: string };

/** The spec `npm run soak` reports its usage errors with. */
export const SOAK_COMMAND = { name: SPEC.name, usage: SPEC.usage };

/** Parses argv (without node and script), or returns the first problem as one line. */
export function parseSoakArgs(argv: readonly string[]): ParsedSoakArgs {
  const line: CommandLine<typeof SPEC.options> = readCommandLine(SPEC, argv);
  if (line.kind !== "values") return line;
  const flags = line.values;
  try {
    const minutes = numberFlag(flags.minutes, "--minutes", 0.2, 24 * 60);
    const bots = integerFlag(flags.bots, "--bots", 1, 5_000);
    const workers = integerFlag(flags.workers, "--workers", 1, 8);
    const inputHz = numberFlag(flags["input-hz"], "--input-hz", 1, 60);
    if (flags["no-kill"] && flags["kill-at"] !== undefined) throw new FlagError("--no-kill and --kill-at cannot both be given");
    const killAtMinutes = flags["no-kill"] ? undefined
      : flags["kill-at"] === undefined ? minutes / 2 : numberFlag(flags["kill-at"], "--kill-at", 0, minutes);
    const warmupMinutes = flags["warmup-minutes"] === undefined ? Math.min(5, minutes * 0.2) : numberFlag(flags["warmup-minutes"], "--warmup-minutes", 0, minutes);
    const gcEveryS = numberFlag(flags["gc-every-s"], "--gc-every-s", 1, 600);
    if (flags.json === "") throw new FlagError("--json needs a file name");
    return { kind: "values", value: Object.freeze({ minutes, bots, workers, inputHz, killAtMinutes, warmupMinutes, gcEveryS, jsonPath: flags.json }) };
  } catch (error) {
    if (error instanceof FlagError) return { kind: "error", message: error.message };
    throw error;
  }
}
