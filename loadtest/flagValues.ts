/**
 * Flag values of the load tools' command lines, checked one way: a value
 * that is malformed or out of range throws a FlagError whose one-line message
 * names the flag, what it takes and what it got.
 */
import { failUsage } from "../src/commandLine.ts";

/** A flag value the command refuses; the message is the line to show the user. */
export class FlagError extends RangeError {}

/** `raw` as a finite number within [min, max]. */
export function numberFlag(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new FlagError(`${name} must be a number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/** `raw` as a whole number (digits only) within [min, max]. */
export function integerFlag(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new FlagError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/** Runs `read`; a FlagError it throws ends the process as a usage error (the message, then the usage line; exit 2). */
export function checkFlagValues<T>(spec: { name: string; usage: string }, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof FlagError) failUsage(spec, error.message);
    throw error;
  }
}
