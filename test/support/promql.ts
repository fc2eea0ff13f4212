/** Words of PromQL that are not metric names: binary operators and modifiers. */
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "atan2"]);

/**
 * The metric names a PromQL expression reads. Strings, label matchers, ranges and label lists go
 * first; what is left that looks like a name and is not a call (a function or an aggregation,
 * followed by "(") or a keyword is a metric. Grafana's variables ($job, $__rate_interval) sit
 * inside matchers and ranges and go with them. Good enough for the rules and dashboards here,
 * not a parser: `promtool check rules` is the parser.
 */
export function metricNamesIn(expr: string): string[] {
  const rest = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const names = new Set<string>();
  for (const match of rest.matchAll(/(?<![\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const isCall = rest.slice(match.index + match[0].length).trimStart().startsWith("(");
    if (!isCall && !KEYWORDS.has(match[0].toLowerCase())) names.add(match[0]);
  }
  return [...names];
}

/**
 * The metric names a Grafana template query reads: `label_values(selector, label)` reads its
 * selector only (the label is not a metric), `metrics(...)` and the like read none.
 */
export function metricNamesInTemplateQuery(query: string): string[] {
  const labelValues = /^\s*label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\s*\)\s*$/.exec(query);
  if (labelValues !== null) return metricNamesIn(labelValues[1]!);
  return metricNamesIn(query);
}
