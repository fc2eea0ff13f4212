/** One sample of Prometheus text exposition: `name{labels} value`. */
export interface PromSample {
  labels: string;
  value: number;
}

/** Parses Prometheus text exposition into samples by name; throws on a line that is not one. */
export function parsePrometheus(text: string): Map<string, PromSample[]> {
  const samples = new Map<string, PromSample[]>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    // Special values as Prometheus reads them (Go's ParseFloat ignores their case): prom-client writes
    // `Nan` for the event-loop lag before its first sample.
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.eE+-]+|[Nn][Aa][Nn]|[+-]?[Ii][Nn][Ff])$/.exec(line);
    if (match === null) throw new Error(`not Prometheus text: ${line}`);
    const list = samples.get(match[1]!) ?? [];
    list.push({ labels: match[2] ?? "", value: sampleValue(match[3]!) });
    samples.set(match[1]!, list);
  }
  return samples;
}

function sampleValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === "nan") return Number.NaN;
  if (lower.endsWith("inf")) return lower.startsWith("-") ? -Infinity : Infinity;
  return Number(text);
}

/** The metric families a text declares (its `# TYPE` lines), with or without samples. */
export function familiesOf(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
}
