/**
 * The command line of every npm script, read one way: `--help` (or `-h`)
 * prints the command's usage on stdout and exits 0; an unknown option, a
 * missing value or a stray argument prints the problem and the usage line on
 * stderr and exits 2. Validation of the values themselves stays with each
 * command, which reports through `failUsage` to keep the same shape.
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

export interface CommandSpec<T extends ParseArgsOptionsConfig> {
  /** What messages start with: "token", "soak". */
  name: string;
  /** The whole `--help` text. Its first line, the usage line, is repeated under every error. */
  usage: string;
  options: T;
}

const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

type Values<T extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{
  args: string[]; options: T & typeof HELP_OPTION; strict: true; allowPositionals: false;
}>>["values"];

export type CommandLine<T extends ParseArgsOptionsConfig> =
  | { kind: "values"; values: Values<T> }
  | { kind: "help" }
  | { kind: "error"; message: string };

/** Reads `argv` (without node and the script) against the spec; never exits (for tests). */
export function readCommandLine<T extends ParseArgsOptionsConfig>(spec: CommandSpec<T>, argv: readonly string[]): CommandLine<T> {
  let values: Values<T>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: { ...spec.options, ...HELP_OPTION }, strict: true, allowPositionals: false }));
  } catch (error) {
    return { kind: "error", message: firstLine(error) };
  }
  return (values as { help?: boolean }).help === true ? { kind: "help" } : { kind: "values", values };
}

/** Reads the process's arguments; prints the usage and exits on --help (0) or a bad argument (2). */
export function parseCommandLine<T extends ParseArgsOptionsConfig>(spec: CommandSpec<T>, argv: readonly string[] = process.argv.slice(2)): Values<T> {
  const line = readCommandLine(spec, argv);
  if (line.kind === "help") {
    process.stdout.write(`${spec.usage.trimEnd()}\n`);
    process.exit(0);
  }
  if (line.kind === "error") failUsage(spec, line.message);
  return line.values;
}

/** One line naming the problem, then the usage line, on stderr; exit 2. */
export function failUsage(spec: { name: string; usage: string }, message: string): never {
  process.stderr.write(`${spec.name}: ${message}\n${usageLine(spec.usage)}\n`);
  process.exit(2);
}

/** The first line of a usage text. */
export function usageLine(usage: string): string {
  return usage.split("\n")[0] ?? usage;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "bad arguments";
}
