/** `npm run bench -- [--players 100] [--duration 30] [--quick] [--max-players 6000] [--out-dir DIR] [--only a,b]` */
import { readCommandLine } from "../../src/commandLine.ts";
import { BENCH_MAX_PLAYERS, CONTENDER_IDS, type ContenderId } from "./contenders.ts";

export interface BenchOptions {
  players: number;
  /** Measured window of the comparison run, s. */
  durationS: number;
  /** A few seconds per contender and one capacity step: a smoke run, not a measurement. */
  isQuick: boolean;
  /** Capacity search ceiling for every contender. */
  maxPlayers: number;
  outDir: string;
  contenders: ContenderId[];
}

/** The capacity search's default ceiling: doubling from 100 reaches it in 6 steps. */
const DEFAULT_MAX_PLAYERS = 6_000;

export const USAGE = `usage: npm run bench -- [--players 1-${BENCH_MAX_PLAYERS}] [--duration 1-600] [--quick] [--max-players N] [--out-dir DIR] `
  + `[--only ${CONTENDER_IDS.join(",")}]`;

/** A measurement's load from `--players` and `--duration`, read alike by `npm run bench` and `bench:profile`; a string says what is wrong. */
export function measurementLoad(values: { players: string; duration: string }): { players: number; durationS: number } | string {
  const players = Number(values.players);
  const durationS = Number(values.duration);
  if (!Number.isInteger(players) || players < 1 || players > BENCH_MAX_PLAYERS) return `--players must be an integer from 1 to ${BENCH_MAX_PLAYERS}`;
  if (!Number.isFinite(durationS) || durationS < 1 || durationS > 600) return "--duration must be 1-600 s";
  return { players, durationS };
}

/** A bench command's parsed options, its --help, or the first problem with its arguments. */
export type ParsedCommand<T> = { ok: true; value: T } | { ok: true; help: true } | { ok: false; message: string };

/**
 * The options, or the end of the process: on --help the help on stdout (exit
 * 0), on a bad argument the problem and the usage line on stderr (exit 2).
 */
export function optionsOrExit<T>(parsed: ParsedCommand<T>, usage: string, help: string): T {
  if (!parsed.ok) {
    process.stderr.write(`${parsed.message}\n${usage}\n`);
    process.exit(2);
  }
  if ("help" in parsed) {
    process.stdout.write(`${help}\n`);
    process.exit(0);
  }
  return parsed.value;
}

/** Parses argv (without node and script), or returns the first problem as one line. */
export function parseBenchOptions(argv: readonly string[], defaultOutDir: string): ParsedCommand<BenchOptions> {
  const line = readCommandLine({
    name: "bench",
    usage: USAGE,
    options: {
      players: { type: "string", default: "100" },
      duration: { type: "string", default: "30" },
      quick: { type: "boolean", default: false },
      "max-players": { type: "string" },
      "out-dir": { type: "string", default: defaultOutDir },
      only: { type: "string", default: CONTENDER_IDS.join(",") },
    },
  } as const, argv);
  if (line.kind === "error") return { ok: false, message: line.message };
  if (line.kind === "help") return { ok: true, help: true };
  const values = line.values;
  const load = measurementLoad(values);
  if (typeof load === "string") return { ok: false, message: load };
  const { players, durationS } = load;
  // Unset: 6,000, or --players if more.
  const maxPlayers = values["max-players"] === undefined ? Math.max(DEFAULT_MAX_PLAYERS, players) : Number(values["max-players"]);
  const contenders = values.only.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (!Number.isInteger(maxPlayers) || maxPlayers < players || maxPlayers > BENCH_MAX_PLAYERS) {
    return { ok: false, message: `--max-players must be an integer from --players to ${BENCH_MAX_PLAYERS}` };
  }
  const unknown = contenders.filter((c) => !(CONTENDER_IDS as readonly string[]).includes(c));
  if (unknown.length > 0 || contenders.length === 0) return { ok: false, message: `--only takes ${CONTENDER_IDS.join(", ")}` };
  return {
    ok: true,
    value: {
      players, durationS, isQuick: values.quick, maxPlayers, outDir: values["out-dir"],
      // Always in the canonical order: the send limit needs this server's update size first.
      contenders: CONTENDER_IDS.filter((id) => contenders.includes(id)),
    },
  };
}
