import { formatWithOptions } from "node:util";
import type { Logger } from "pino";
import { loggable } from "./logger.ts";
import { redactUrlsIn } from "./redact.ts";

type Level = "trace" | "debug" | "info" | "warn" | "error";

/** What Colyseus calls on the logger it is given (`Server({ logger })`): console's shape. */
export type ColyseusLogger = Record<Level, (...args: unknown[]) => void>;

/** util.format's placeholders; `%%` is a literal percent sign and consumes no argument. */
const PLACEHOLDER = /%[sdifjoOc%]/g;

/**
 * Adapts our pino logger to the console-style calls Colyseus and its packages
 * make: `logger.warn("RedisPresence: pub connection error:", e.message)`. Handed
 * to pino as is, everything after the first string was dropped (pino reads
 * extra arguments only as printf values), so those lines lost their reason.
 * Here each call becomes one line at the same level, tagged `source: "colyseus"`:
 * `msg` reads as console would print it (objects aside), the first Error goes
 * under `err` (type, message, stack, code), the other arguments under `args`,
 * and credentials are removed from all of them (`loggable`).
 */
export function colyseusLogger(logger: Logger): ColyseusLogger {
  const source = logger.child({ source: "colyseus" }, { serializers: { err: loggable } });
  const method = (level: Level) => (...args: unknown[]) => {
    if (!source.isLevelEnabled(level)) return;
    const { msg, err, rest } = logLineOf(args);
    source[level]({ ...(err === undefined ? {} : { err }), ...(rest.length === 0 ? {} : { args: loggable(rest) }) }, msg);
  };
  return { trace: method("trace"), debug: method("debug"), info: method("info"), warn: method("warn"), error: method("error") };
}

/** Splits a console-style call into the text a person reads, its first Error, and the other arguments. */
function logLineOf(args: readonly unknown[]): { msg: string; err: Error | undefined; rest: unknown[] } {
  const [first, ...others] = args;
  let text = "";
  let leftovers: unknown[] = [...args];
  if (typeof first === "string") {
    // printf-style calls: the placeholders take their arguments, as console does (secret fields censored first).
    const consumed = [...first.matchAll(PLACEHOLDER)].filter(([token]) => token !== "%%").length;
    text = consumed === 0 ? first : formatWithOptions({ breakLength: Infinity }, first, ...others.slice(0, consumed).map(loggable));
    leftovers = others.slice(consumed);
  }
  const err = leftovers.find((arg): arg is Error => arg instanceof Error);
  const words = [text, ...leftovers.map(wordOf)].filter((word) => word !== undefined && word !== "");
  return { msg: redactUrlsIn(words.join(" ")), err, rest: leftovers.filter((arg) => arg !== err) };
}

/** What an argument adds to the readable text: primitives and error messages; objects stay in `args`. */
function wordOf(arg: unknown): string | undefined {
  if (arg instanceof Error) return arg.message;
  if (arg === null || arg === undefined || typeof arg !== "object") return typeof arg === "function" ? undefined : String(arg);
  return undefined;
}
