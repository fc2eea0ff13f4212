import { describe, expect, it } from "vitest";
import { parseSoakArgs, type SoakOptions } from "./soakOptions.ts";

function options(argv: string[]): Readonly<SoakOptions> {
  const parsed = parseSoakArgs(argv);
  if (parsed.kind !== "values") throw new Error(parsed.kind === "error" ? parsed.message : "help");
  return parsed.value;
}

function refusal(argv: string[]): string {
  const parsed = parseSoakArgs(argv);
  if (parsed.kind !== "error") throw new Error(`expected a refusal, got ${parsed.kind}`);
  return parsed.message;
}

describe("parseSoakArgs", () => {
  it("defaults to the issue's run: 30 min, 1000 bots, 2 workers, the kill midway, 5 min of warm-up", () => {
    expect(options([])).toEqual({
      minutes: 30, bots: 1000, workers: 2, inputHz: 10, killAtMinutes: 15, warmupMinutes: 5, gcEveryS: 30, jsonPath: undefined,
    });
  });

  it("has a no-kill mode", () => {
    expect(options(["--no-kill"]).killAtMinutes).toBeUndefined();
  });

  it("kills when asked, and scales the default warm-up to short runs", () => {
    expect(options(["--minutes", "2", "--kill-at", "0.5"])).toMatchObject({ minutes: 2, killAtMinutes: 0.5, warmupMinutes: 0.4 });
    expect(options(["--minutes", "2"])).toMatchObject({ killAtMinutes: 1 });
  });

  it("reads every flag", () => {
    expect(options(["--minutes", "3", "--bots", "300", "--workers", "3", "--input-hz", "20", "--warmup-minutes", "1",
      "--gc-every-s", "5", "--json", "soak.json", "--no-kill"])).toEqual({
      minutes: 3, bots: 300, workers: 3, inputHz: 20, killAtMinutes: undefined, warmupMinutes: 1, gcEveryS: 5, jsonPath: "soak.json",
    });
  });

  it("answers --help", () => {
    expect(parseSoakArgs(["--help"])).toEqual({ kind: "help" });
  });

  it.each([
    [["--minutes", "0"], "--minutes must be a number from 0.2 to 1440"],
    [["--bots", "1.5"], "--bots must be an integer from 1 to 5000"],
    [["--workers", "9"], "--workers must be an integer from 1 to 8"],
    [["--input-hz", "fast"], "--input-hz must be a number"],
    [["--minutes", "10", "--kill-at", "11"], "--kill-at must be a number from 0 to 10"],
    [["--no-kill", "--kill-at", "1"], "--no-kill and --kill-at cannot both be given"],
    [["--minutes", "1", "--warmup-minutes", "2"], "--warmup-minutes must be a number from 0 to 1"],
    [["--gc-every-s", "0"], "--gc-every-s must be a number from 1 to 600"],
    [["--json", ""], "--json needs a file name"],
    [["--kill"], "Unknown option '--kill'"],
  ])("refuses %j in one line", (argv, expected) => {
    const message = refusal(argv);
    expect(message).toContain(expected);
    expect(message).not.toContain("\n");
  });
});
