/**
 * Service-level objectives for a load test run: a comma-separated list of
 * `metric op number` clauses, e.g. `rtt_p99_ms<=50,join_p99_ms<=300,errors==0`.
 */

/** Every metric an SLO can name, with what it measures (shown in errors and --help). */
export const SLO_METRICS = {
  rtt_p50_ms: "input sent -> acknowledged in a patch, p50 (probe bots)",
  rtt_p95_ms: "input round trip p95",
  rtt_p99_ms: "input round trip p99",
  rtt_p999_ms: "input round trip p99.9",
  join_p50_ms: "matchmake + connect + handshake, p50",
  join_p95_ms: "join time p95",
  join_p99_ms: "join time p99",
  patch_interval_p50_ms: "time between two state patches to one bot, p50",
  patch_interval_p99_ms: "time between two state patches to one bot, p99",
  errors: "failed joins + unexpected disconnects + room errors",
  failed: "failed joins",
  disconnects: "unexpected disconnects",
  bytes_down_per_bot_per_s: "bytes received per connected bot per second",
  bytes_up_per_bot_per_s: "bytes sent per connected bot per second",
  generator_cpu_pct: "load generator CPU, % of one core",
} as const;

export type SloMetric = keyof typeof SLO_METRICS;
export type SloOperator = "<=" | "<" | ">=" | ">" | "==" | "!=";
export type SloValues = Readonly<Record<SloMetric, number>>;

export interface SloClause {
  metric: SloMetric;
  op: SloOperator;
  threshold: number;
  /** The clause as written, normalised (no spaces), for reports. */
  text: string;
}

export interface SloVerdict {
  pass: boolean;
  /** One line per broken clause: what was required and what was measured. */
  failures: string[];
}

// Longest operators first so `<=` is not read as `<` followed by `=5`.
const CLAUSE = /^([a-z0-9_]+)(<=|>=|==|!=|<|>)(-?\d+(?:\.\d+)?)$/;

/** Parses an SLO expression, or returns the first problem as one line. */
export function parseSlo(expression: string): { ok: true; value: SloClause[] } | { ok: false; reason: string } {
  const parts = expression.split(",").map((p) => p.replace(/\s+/g, ""));
  if (parts.every((p) => p === "")) return { ok: false, reason: "SLO is empty" };
  const clauses: SloClause[] = [];
  for (const part of parts) {
    if (part === "") return { ok: false, reason: `SLO "${expression}" has an empty clause` };
    const match = CLAUSE.exec(part);
    if (match === null) {
      return { ok: false, reason: `SLO clause "${part}" is not <metric><op><number> (ops: <= < >= > == !=)` };
    }
    const [, metric = "", op = "", number = ""] = match;
    if (!isSloMetric(metric)) {
      return { ok: false, reason: `SLO clause "${part}": unknown metric "${metric}" (known: ${Object.keys(SLO_METRICS).join(", ")})` };
    }
    clauses.push({ metric, op: op as SloOperator, threshold: Number(number), text: part });
  }
  return { ok: true, value: clauses };
}

/**
 * Checks measured values against the clauses. A metric without a value
 * (NaN: e.g. no RTT samples because no probe bot joined) fails its clause:
 * an SLO that could not be measured does not hold.
 */
export function evaluateSlo(clauses: readonly SloClause[], values: SloValues): SloVerdict {
  const failures: string[] = [];
  for (const clause of clauses) {
    const measured = values[clause.metric];
    if (Number.isNaN(measured)) {
      failures.push(`${clause.text}: not measured (no samples)`);
    } else if (!compare(measured, clause.op, clause.threshold)) {
      failures.push(`${clause.text}: measured ${formatMeasured(measured)}`);
    }
  }
  return { pass: failures.length === 0, failures };
}

function isSloMetric(name: string): name is SloMetric {
  return Object.hasOwn(SLO_METRICS, name);
}

function compare(value: number, op: SloOperator, threshold: number): boolean {
  switch (op) {
    case "<=": return value <= threshold;
    case "<": return value < threshold;
    case ">=": return value >= threshold;
    case ">": return value > threshold;
    case "==": return value === threshold;
    case "!=": return value !== threshold;
  }
}

function formatMeasured(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
