import { describe, expect, it } from "vitest";
import { DEFAULT_SLO, parseArgs, type LoadtestOptions } from "./args.ts";

function options(argv: string[]): Readonly<LoadtestOptions> {
  const result = parseArgs(argv, 4);
  if (!result.ok || !("value" in result)) throw new Error(result.ok ? "help" : result.reason);
  return result.value;
}

function reason(argv: string[]): string {
  const result = parseArgs(argv, 4);
  if (result.ok) throw new Error("expected a refusal");
  return result.reason;
}

describe("parseArgs", () => {
  it("has loopback defaults sized for a quick run", () => {
    expect(options([])).toMatchObject({
      url: "ws://127.0.0.1:2567", roomName: "arena", mode: undefined, bots: 100, rampPerS: 50, durationS: 30,
      workers: 4, probeBots: 10, jsonPath: undefined, sloText: DEFAULT_SLO, isFindCapacity: false,
      stepBots: 100, stepDurationS: 10, stepRetries: 0, maxGeneratorCpuPct: 360,
    });
  });

  it("reads the issue's command line", () => {
    const o = options(["--url", "ws://127.0.0.1:2567", "--room", "arena", "--bots", "500", "--ramp", "100", "--duration", "60",
      "--mode", "duel", "--workers=2", "--probe-bots", "20", "--json", "out.json", "--slo", "rtt_p99_ms<=50,join_p99_ms<=300,errors==0"]);
    expect(o).toMatchObject({ bots: 500, rampPerS: 100, durationS: 60, mode: "duel", workers: 2, probeBots: 20, jsonPath: "out.json" });
    expect(o.slo.map((c) => c.text)).toEqual(["rtt_p99_ms<=50", "join_p99_ms<=300", "errors==0"]);
  });

  it("raises the bot ceiling for a capacity search", () => {
    expect(options(["--find-capacity", "--step-bots", "50", "--step-duration", "5", "--step-retries", "2"]))
      .toMatchObject({ isFindCapacity: true, bots: 5000, stepBots: 50, stepDurationS: 5, stepRetries: 2 });
  });

  it("caps the default probe bots at the bot count", () => {
    expect(options(["--bots", "3"]).probeBots).toBe(3);
  });

  it("takes the server's join secret from --join-secret, else from JOIN_SECRET, else joins anonymously", () => {
    const secret = "s".repeat(32);
    const parse = (argv: string[], env: Record<string, string>) => {
      const result = parseArgs(argv, 4, env);
      if (!result.ok || !("value" in result)) throw new Error(result.ok ? "help" : result.reason);
      return result.value.joinSecret;
    };
    expect(parse([], {})).toBeUndefined();
    expect(parse([], { JOIN_SECRET: secret })).toBe(secret);
    expect(parse(["--join-secret", `${secret}-flag`], { JOIN_SECRET: secret })).toBe(`${secret}-flag`);
    expect(parseArgs(["--join-secret", "short"], 4, {})).toEqual({ ok: false, reason: "--join-secret must be at least 32 non-space characters, like the server's JOIN_SECRET" });
    const fromEnv = parseArgs([], 4, { JOIN_SECRET: "short" });
    expect(fromEnv).toEqual({ ok: false, reason: "JOIN_SECRET must be at least 32 non-space characters, like the server's" });
  });

  it("answers --help", () => {
    expect(parseArgs(["--help"])).toEqual({ ok: true, help: true });
  });

  it.each([
    [["--bots", "0"], "--bots must be an integer from 1 to 50000"],
    [["--bots", "1.5"], "--bots must be an integer"],
    [["--bots", "lots"], '(got "lots")'],
    [["--ramp=-1"], "--ramp must be a number"],
    [["--ramp", "0"], "--ramp must be a number from 0.1"],
    [["--duration", ""], "--duration must be a number"],
    [["--workers", "100"], "--workers must be an integer from 1 to 64"],
    [["--step-retries", "9"], "--step-retries must be an integer from 0 to 5"],
    [["--bots", "5", "--probe-bots", "6"], "--probe-bots must be an integer from 0 to 5"],
    [["--url", "http://127.0.0.1:2567"], "--url must start with ws:// or wss://"],
    [["--url", "not a url"], "is not a URL"],
    [["--slo", "rtt<=5"], '--slo: SLO clause "rtt<=5": unknown metric'],
    [["--slo", ""], "--slo: SLO is empty"],
    [["--mode", ""], "--mode must not be empty"],
    [["--room", "a/b"], "--room must be"],
    [["--json", ""], "--json needs a file name"],
    [["--nope"], "Unknown option '--nope'"],
    [["stray"], "positional"],
    [["--bots"], "argument missing"],
  ])("refuses %j in one line", (argv, expected) => {
    const text = reason(argv);
    expect(text).toContain(expected);
    expect(text).not.toContain("\n");
  });
});
