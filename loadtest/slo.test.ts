import { describe, expect, it } from "vitest";
import { evaluateSlo, parseSlo, SLO_METRICS, type SloClause, type SloValues } from "./slo.ts";

function parsed(expression: string): SloClause[] {
  const result = parseSlo(expression);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

const GOOD: SloValues = {
  ...(Object.fromEntries(Object.keys(SLO_METRICS).map((k) => [k, 0])) as SloValues),
  rtt_p99_ms: 42,
  join_p99_ms: 120,
  errors: 0,
};

describe("parseSlo", () => {
  it("parses the issue's example", () => {
    expect(parsed("rtt_p99_ms<=50,join_p99_ms<=300,errors==0")).toEqual([
      { metric: "rtt_p99_ms", op: "<=", threshold: 50, text: "rtt_p99_ms<=50" },
      { metric: "join_p99_ms", op: "<=", threshold: 300, text: "join_p99_ms<=300" },
      { metric: "errors", op: "==", threshold: 0, text: "errors==0" },
    ]);
  });

  it.each([
    ["rtt_p999_ms < 80.5", "<", 80.5],
    ["generator_cpu_pct>=1", ">=", 1],
    ["bytes_down_per_bot_per_s>100", ">", 100],
    ["failed!=3", "!=", 3],
    [" errors == 0 ", "==", 0],
  ])("reads %j", (expression, op, threshold) => {
    expect(parsed(expression)[0]).toMatchObject({ op, threshold });
  });

  it.each([
    ["", "empty"],
    [" , ", "empty"],
    ["errors==0,", "empty clause"],
    ["rtt_p99<=50", 'unknown metric "rtt_p99"'],
    ["rtt_p99_ms=<50", "not <metric><op><number>"],
    ["rtt_p99_ms<=fast", "not <metric><op><number>"],
    ["rtt_p99_ms<=", "not <metric><op><number>"],
    ["rtt_p99_ms", "not <metric><op><number>"],
    ["toString==0", "not <metric><op><number>"],
    ["constructor==0", 'unknown metric "constructor"'],
    ["rtt_p99_ms<=1e3", "not <metric><op><number>"],
  ])("refuses %j with one line saying why", (expression, reason) => {
    const result = parseSlo(expression);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain(reason);
      expect(result.reason).not.toContain("\n");
    }
  });
});

describe("evaluateSlo", () => {
  it("passes when every clause holds", () => {
    expect(evaluateSlo(parsed("rtt_p99_ms<=50,join_p99_ms<=300,errors==0"), GOOD)).toEqual({ pass: true, failures: [] });
  });

  it("lists each broken clause with the measured value", () => {
    const verdict = evaluateSlo(parsed("rtt_p99_ms<=40,join_p99_ms<=300,errors==0"), { ...GOOD, rtt_p99_ms: 41.256, errors: 2 });
    expect(verdict.pass).toBe(false);
    expect(verdict.failures).toEqual(["rtt_p99_ms<=40: measured 41.26", "errors==0: measured 2"]);
  });

  it.each([
    ["<=", 50, 50, true], ["<=", 50.1, 50, false],
    ["<", 50, 50, false], ["<", 49.9, 50, true],
    [">=", 50, 50, true], [">", 50, 50, false],
    ["==", 0, 0, true], ["!=", 0, 0, false],
  ])("%s: measured %s against %s holds = %s", (op, measured, threshold, holds) => {
    expect(evaluateSlo(parsed(`rtt_p99_ms${op}${threshold}`), { ...GOOD, rtt_p99_ms: measured }).pass).toBe(holds);
  });

  it("fails a clause whose metric was not measured", () => {
    const verdict = evaluateSlo(parsed("rtt_p99_ms<=1000"), { ...GOOD, rtt_p99_ms: Number.NaN });
    expect(verdict).toEqual({ pass: false, failures: ["rtt_p99_ms<=1000: not measured (no samples)"] });
  });
});
