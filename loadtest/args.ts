/** Command-line flags of `npm run loadtest`, parsed into a frozen options object. */
import { availableParallelism } from "node:os";
import { parseArgs as parseFlags } from "node:util";
import { ID_PATTERN } from "../src/identifiers.ts";
import { FlagError, integerFlag, numberFlag } from "./flagValues.ts";
import { parseSlo, type SloClause } from "./slo.ts";

export interface LoadtestOptions {
  url: string;
  roomName: string;
  /** `mode` join option; undefined lets the room use its default. */
  mode: string | undefined;
  /** Bots to run; with `isFindCapacity`, the ceiling of the search. */
  bots: number;
  rampPerS: number;
  durationS: number;
  workers: number;
  probeBots: number;
  jsonPath: string | undefined;
  slo: SloClause[];
  sloText: string;
  joinTimeoutS: number;
  isFindCapacity: boolean;
  stepBots: number;
  stepDurationS: number;
  /** Extra measurements of a capacity step that broke the SLO before it ends the search. */
  stepRetries: number;
  /** Generator CPU (% of one core) at or above which the generator counts as saturated. */
  maxGeneratorCpuPct: number;
  /** The server's JOIN_SECRET: each bot signs its own join token with it. Undefined: anonymous joins. */
  joinSecret: string | undefined;
}

export const DEFAULT_SLO = "errors==0";

export const USAGE = `usage: npm run loadtest -- [flags]
  --url URL              server to load (ws:// or wss://; default ws://127.0.0.1:2567)
  --room NAME            room to matchmake into (default arena)
  --mode MODE            "mode" join option (default: the room's own default)
  --bots N               bots to run (default 100; with --find-capacity the ceiling, default 5000)
  --ramp R               bots started per second (default 50)
  --duration S           seconds at full load (default 30)
  --workers K            bot worker threads (default one per core)
  --probe-bots P         bots that decode state and measure RTT (default min(bots, 10)); the rest only count bytes and acks
  --json FILE            write the report as JSON
  --slo EXPR             e.g. "rtt_p99_ms<=50,join_p99_ms<=300,errors==0" (default "${DEFAULT_SLO}")
  --join-timeout S       a join slower than this fails (default 10)
  --find-capacity        add --step-bots every --step-duration until the SLO breaks or the generator saturates
  --step-bots N          bots added per capacity step (default 100)
  --step-duration S      seconds each capacity step is measured at full load (default 10)
  --step-retries N       measure a step that broke the SLO up to N more times before stopping (default 0)
  --max-generator-cpu P  generator CPU (% of one core) that counts as saturated (default 90 x cores)
  --join-secret SECRET   the server's JOIN_SECRET: each bot joins with its own signed token
                         (default: the JOIN_SECRET environment variable; unset: anonymous joins)
environment: JOIN_SECRET (as --join-secret, which wins; better than the flag, which other users see in ps)
rate limits: all bots come from this machine's address, so a server's MAX_JOINS_PER_ADDRESS_PER_MIN
  (default 120) refuses joins past it with 429: keep --ramp under it / 60 (1.9), or exempt this
  address with the server's RATE_LIMIT_EXEMPT; refused joins are counted by reason in the report
exit code: 0 the SLO held, 1 it failed (or the run could not go on), 2 bad arguments`;

export type ParsedArgs =
  | { ok: true; value: Readonly<LoadtestOptions> }
  | { ok: true; help: true }
  | { ok: false; reason: string };

/** Parses argv (without node and script), or returns the first problem as one line. */
export function parseArgs(argv: readonly string[], cores = availableParallelism(), env: Readonly<Record<string, string | undefined>> = process.env): ParsedArgs {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseFlags({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: "string" },
        room: { type: "string" },
        mode: { type: "string" },
        bots: { type: "string" },
        ramp: { type: "string" },
        duration: { type: "string" },
        workers: { type: "string" },
        "probe-bots": { type: "string" },
        json: { type: "string" },
        slo: { type: "string" },
        "join-timeout": { type: "string" },
        "find-capacity": { type: "boolean" },
        "step-bots": { type: "string" },
        "step-duration": { type: "string" },
        "step-retries": { type: "string" },
        "max-generator-cpu": { type: "string" },
        "join-secret": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    return { ok: false, reason: firstLine(error) };
  }
  if (flags.help === true) return { ok: true, help: true };

  try {
    const isFindCapacity = flags["find-capacity"] === true;
    const url = parseUrl(str(flags.url) ?? "ws://127.0.0.1:2567");
    const roomName = str(flags.room) ?? "arena";
    if (!ID_PATTERN.test(roomName)) throw new FlagError(`--room must be 1-64 of a-z, A-Z, 0-9, _ and - (got "${roomName}")`);
    const mode = str(flags.mode);
    if (mode !== undefined && mode.length === 0) throw new FlagError("--mode must not be empty");
    const bots = int(flags, "bots", isFindCapacity ? 5_000 : 100, 1, 50_000);
    const sloText = str(flags.slo) ?? DEFAULT_SLO;
    const slo = parseSlo(sloText);
    if (!slo.ok) throw new FlagError(`--slo: ${slo.reason}`);
    const options: LoadtestOptions = {
      url,
      roomName,
      mode,
      bots,
      rampPerS: num(flags, "ramp", 50, 0.1, 10_000),
      durationS: num(flags, "duration", 30, 1, 86_400),
      workers: int(flags, "workers", cores, 1, 64),
      probeBots: int(flags, "probe-bots", Math.min(bots, 10), 0, bots),
      jsonPath: str(flags.json),
      slo: slo.value,
      sloText,
      joinTimeoutS: num(flags, "join-timeout", 10, 0.1, 600),
      isFindCapacity,
      stepBots: int(flags, "step-bots", 100, 1, 50_000),
      stepDurationS: num(flags, "step-duration", 10, 1, 3_600),
      stepRetries: int(flags, "step-retries", 0, 0, 5),
      maxGeneratorCpuPct: num(flags, "max-generator-cpu", 90 * cores, 1, 100 * 1024),
      joinSecret: joinSecret(str(flags["join-secret"]), env.JOIN_SECRET),
    };
    if (options.jsonPath === "") throw new FlagError("--json needs a file name");
    return { ok: true, value: Object.freeze(options) };
  } catch (error) {
    if (error instanceof FlagError) return { ok: false, reason: error.message };
    throw error;
  }
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function num(flags: Record<string, string | boolean | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = str(flags[name]);
  return raw === undefined ? fallback : numberFlag(raw, `--${name}`, min, max);
}

function int(flags: Record<string, string | boolean | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = str(flags[name]);
  return raw === undefined ? fallback : integerFlag(raw, `--${name}`, min, max);
}

/** The flag, else the environment variable; held to the server's own rule (src/config.ts), so a typo shows here, not as 525s. */
function joinSecret(flag: string | undefined, fromEnv: string | undefined): string | undefined {
  if (flag !== undefined) {
    if (!/^\S{32,}$/.test(flag)) throw new FlagError("--join-secret must be at least 32 non-space characters, like the server's JOIN_SECRET");
    return flag;
  }
  if (fromEnv === undefined || fromEnv.trim() === "") return undefined;
  if (!/^\S{32,}$/.test(fromEnv)) throw new FlagError("JOIN_SECRET must be at least 32 non-space characters, like the server's");
  return fromEnv;
}

function parseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FlagError(`--url "${raw}" is not a URL (expected e.g. ws://127.0.0.1:2567)`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new FlagError(`--url must start with ws:// or wss:// (got "${raw}")`);
  }
  // The SDK appends its own paths (/matchmake/..., /{processId}/{roomId}).
  return url.toString().replace(/\/$/, "");
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "bad arguments";
}
