/** Command-line flags (and their CLUSTER_* variables) of `npm run cluster`, parsed into a frozen options object. */
import { parseArgs as parseFlags } from "node:util";

export interface SupervisorOptions {
  workers: number;
  /** Each worker's PUBLIC_ADDRESS, with {index}, {instance} and {port} filled per worker; undefined: HOST:PORT. */
  publicAddressPattern: string | undefined;
  /** Restarts one worker may take within `restartWindowS`; dying once more then stops the cluster. */
  maxRestarts: number;
  restartWindowS: number;
}

export const USAGE_LINE = "usage: npm run cluster -- [--workers N] [--public-address PATTERN] [--max-restarts N] [--restart-window S] [--help]";

/** The --help text; `cores` is the --workers default. */
export function usage(cores: number): string {
  return `${USAGE_LINE}

Runs N server processes on consecutive ports from PORT (default 2567), all sharing REDIS_URL
(default redis://127.0.0.1:6379) or REDIS_SENTINELS; restarts a worker that dies; on SIGINT/SIGTERM drains them all.

  --workers N               processes to run, 1-64 (default: one per core, ${cores} here)
  --public-address PATTERN  each worker's PUBLIC_ADDRESS: {index} (from 1), {instance} (from 0), {port}, {hostname}
  --max-restarts N          restarts one worker may take within the window before the cluster stops,
                            0-1000 (default 5; env CLUSTER_MAX_RESTARTS)
  --restart-window S        that window in seconds, 1-86400 (default 300; env CLUSTER_RESTART_WINDOW_S)
  --help                    print this and exit

A worker that dies before its start-up is over (the wait for Redis, REDIS_STARTUP_TIMEOUT_S, plus
30 s) is restarted after 1 s, then 2, 4... up to 30 s; one that cannot bind its port stops the cluster.
Workers read every server variable (docs/configuration.md); PORT and ADMIN_PORT count up per worker.
exit code: 0 stopped by a signal, 1 a worker crash-looped or could not listen, 2 bad arguments or configuration`;
}

export type ParsedSupervisorArgs =
  | { ok: true; value: Readonly<SupervisorOptions> }
  | { ok: true; help: true }
  /** `isUsageShown`: the command line itself was malformed, so the usage line goes with the reason. */
  | { ok: false; reason: string; isUsageShown: boolean };

type Env = Record<string, string | undefined>;

/** Parses argv (without node and script) and the CLUSTER_* variables; a flag wins over its variable. */
export function parseSupervisorArgs(argv: readonly string[], env: Env, cores: number): ParsedSupervisorArgs {
  let flags: Record<string, string | boolean | undefined>;
  try {
    ({ values: flags } = parseFlags({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        workers: { type: "string" },
        "public-address": { type: "string" },
        "max-restarts": { type: "string" },
        "restart-window": { type: "string" },
        help: { type: "boolean" },
      },
    }));
  } catch (error) {
    // Node's message goes on about '--' and positionals: its first sentence says what is wrong.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: message.split(/\.\s/)[0]!, isUsageShown: true };
  }
  if (flags.help === true) return { ok: true, help: true };

  try {
    const publicAddressPattern = flags["public-address"] as string | undefined;
    if (publicAddressPattern !== undefined && !["{index}", "{instance}", "{port}"].some((p) => publicAddressPattern.includes(p))) {
      throw new RangeError("--public-address needs {index}, {instance} or {port} so each worker gets its own address");
    }
    return {
      ok: true,
      value: Object.freeze({
        workers: integer(flags.workers as string | undefined, "--workers", undefined, env, cores, 1, 64),
        publicAddressPattern,
        maxRestarts: integer(flags["max-restarts"] as string | undefined, "--max-restarts", "CLUSTER_MAX_RESTARTS", env, 5, 0, 1_000),
        restartWindowS: integer(flags["restart-window"] as string | undefined, "--restart-window", "CLUSTER_RESTART_WINDOW_S", env, 300, 1, 86_400),
      }),
    };
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, reason: error.message, isUsageShown: false };
    throw error;
  }
}

/** The flag's value, else its variable's, else `fallback`; a bad one throws a RangeError naming where it came from. */
function integer(flag: string | undefined, flagName: string, envName: string | undefined, env: Env, fallback: number, min: number, max: number): number {
  const fromEnv = envName === undefined ? undefined : env[envName];
  const [raw, shown] = flag !== undefined
    ? [flag, `${flagName}=${flag}`]
    : fromEnv !== undefined && fromEnv.trim() !== "" ? [fromEnv, `${envName}=${JSON.stringify(fromEnv)}`] : [undefined, ""];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value < min || value > max) throw new RangeError(`${shown} is invalid: expected an integer from ${min} to ${max}`);
  return value;
}
