import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { GameMetrics } from "../src/monitoring/metrics.ts";
import { metricNamesIn, metricNamesInTemplateQuery } from "./support/promql.ts";
import { requireTool } from "./support/requireTool.ts";

// deploy/monitoring/ is read by Prometheus and Grafana, never by the server: this checks that what
// it reads exists (a renamed metric breaks it here), that promtool accepts it, and that the alerts
// fire when they should and only then (alerts.test.yml).

const MONITORING_DIR = fileURLToPath(new URL("../deploy/monitoring/", import.meta.url));
const K8S_DIR = fileURLToPath(new URL("../deploy/kubernetes/", import.meta.url));
const COMPOSE_FILE = fileURLToPath(new URL("../compose.yaml", import.meta.url));
const DASHBOARD = join(MONITORING_DIR, "grafana-dashboard.json");
const ALERTS = join(MONITORING_DIR, "alerts.yml");
/** Series Prometheus makes itself for every target. */
const PROMETHEUS_OWN = ["up"];
/** The scrape job the alerts and the dashboard's default select. */
const JOB = "gameserver";
const promtool = requireTool("promtool", "apt-get install -y prometheus");
const run = promisify(execFile);

/** Every series name the server can export: its registry with Redis in use (the superset), histograms and summaries expanded. */
async function exportedNames(): Promise<Set<string>> {
  const metrics = new GameMetrics({
    tickHz: 30, isRedisUsed: true, gameRoomTypes: ["arena"], maxClientsPerProcess: 100, maxRoomsPerProcess: 10,
    build: { version: "0", node: "v0", colyseus: "0" },
  });
  const names = new Set(PROMETHEUS_OWN);
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    const type = String(metric.type);
    if (type === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) names.add(metric.name + suffix);
    else if (type === "summary") for (const suffix of ["", "_sum", "_count"]) names.add(metric.name + suffix);
    else names.add(metric.name);
  }
  return names;
}

interface GrafanaTarget { expr: string; datasource?: { uid?: string } }
interface GrafanaPanel { id: number; type: string; title: string; datasource?: { type?: string; uid?: string }; targets?: GrafanaTarget[]; panels?: GrafanaPanel[] }
interface GrafanaVariable { name: string; type: string; query: string | { query: string }; datasource?: { uid?: string } }
interface Dashboard { uid: string; panels: GrafanaPanel[]; templating: { list: GrafanaVariable[] } }

async function loadDashboard(): Promise<Dashboard> {
  return JSON.parse(await readFile(DASHBOARD, "utf8")) as Dashboard;
}

function panelsOf(dashboard: Dashboard): GrafanaPanel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

interface AlertRule { alert: string; expr: string; for?: string; labels?: Record<string, string> }

async function loadAlerts(): Promise<AlertRule[]> {
  const rules = parse(await readFile(ALERTS, "utf8")) as { groups: { rules: AlertRule[] }[] };
  return rules.groups.flatMap((g) => g.rules);
}

/** Every PromQL expression of the dashboard, with where it is: panel queries and template queries. */
async function dashboardQueries(): Promise<{ where: string; expr: string; names: string[] }[]> {
  const dashboard = await loadDashboard();
  const queries = panelsOf(dashboard).flatMap((panel) => (panel.targets ?? []).map((t) => ({ where: `panel "${panel.title}"`, expr: t.expr, names: metricNamesIn(t.expr) })));
  for (const variable of dashboard.templating.list.filter((v) => v.type === "query")) {
    const query = typeof variable.query === "string" ? variable.query : variable.query.query;
    queries.push({ where: `variable $${variable.name}`, expr: query, names: metricNamesInTemplateQuery(query) });
  }
  return queries;
}

describe("the metric names the dashboard and the alerts read", () => {
  it("finds names the way the checks below rely on", () => {
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le, instance) (rate(a_bucket{job="$job", x=~"1e3|b"}[$__rate_interval])))')).toEqual(["a_bucket"]);
    expect(metricNamesIn('sum by (instance) (b) / on (instance) max by (instance) (c) >= 0.95 or d offset 5m > bool 1e3')).toEqual(["b", "c", "d"]);
    expect(metricNamesInTemplateQuery('label_values(e{job="$job"}, instance)')).toEqual(["e"]);
  });

  it("the dashboard reads only metrics the server exports, and shows every gameserver_* family", async () => {
    const exported = await exportedNames();
    const queries = await dashboardQueries();
    for (const query of queries) {
      expect(query.names.length, `${query.where}: no metric in ${query.expr}`).toBeGreaterThan(0);
      expect(query.names.filter((n) => !exported.has(n)), `${query.where}: ${query.expr}`).toEqual([]);
    }
    const familyOf = (name: string) => name.replace(/_(bucket|sum|count)$/, "");
    const read = new Set(queries.flatMap((q) => q.names).map(familyOf));
    const families = new Set([...exported].filter((n) => n.startsWith("gameserver_")).map(familyOf));
    expect([...families].filter((f) => !read.has(f))).toEqual([]);
  });

  it("the alerts read only metrics the server exports (or Prometheus' own `up`), of the gameserver job", async () => {
    const exported = await exportedNames();
    const rules = await loadAlerts();
    expect(rules.map((r) => r.alert).sort()).toEqual([
      "GameserverAtCapacity", "GameserverDown", "GameserverEventLoopLag", "GameserverMatchmakingFailing",
      "GameserverMatchmakingRefusals", "GameserverRedisDown", "GameserverSlowClientCloses", "GameserverTickOverruns",
    ]);
    for (const rule of rules) {
      const names = metricNamesIn(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      expect(names.filter((n) => !exported.has(n)), `${rule.alert}: ${rule.expr}`).toEqual([]);
      expect(["critical", "warning"]).toContain(rule.labels?.severity);
    }
    // `up` exists for every job Prometheus scrapes: the rule must name this one.
    expect(rules.find((r) => r.alert === "GameserverDown")!.expr).toContain(`job="${JOB}"`);
  });
});

describe("the dashboard imports anywhere", () => {
  it("has one Prometheus datasource variable, and every panel and query uses it", async () => {
    const dashboard = await loadDashboard();
    const datasources = dashboard.templating.list.filter((v) => v.type === "datasource");
    expect(datasources.map((v) => [v.name, v.query])).toEqual([["DS_PROMETHEUS", "prometheus"]]);
    const panels = panelsOf(dashboard);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels.filter((p) => p.type !== "row")) {
      expect(panel.datasource?.uid, panel.title).toBe("${DS_PROMETHEUS}");
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid ?? panel.datasource?.uid, panel.title).toBe("${DS_PROMETHEUS}");
    }
    for (const variable of dashboard.templating.list.filter((v) => v.type === "query")) {
      expect(variable.datasource?.uid, variable.name).toBe("${DS_PROMETHEUS}");
    }
  });
});

describe.skipIf(promtool === undefined)("promtool", () => {
  let workDir: string;
  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "monitoring-"));
  });
  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  /** Runs promtool; resolves with its output, rejects with it (exit status non-zero). */
  async function promtoolRun(args: string[], cwd = MONITORING_DIR): Promise<string> {
    try {
      const { stdout, stderr } = await run(promtool!, args, { cwd, timeout: 20_000 });
      return stdout + stderr;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`promtool ${args.join(" ")} failed:\n${failed.stdout ?? ""}${failed.stderr ?? failed.message}`);
    }
  }

  it("accepts the alert rules", async () => {
    expect(await promtoolRun(["check", "rules", "alerts.yml"])).toMatch(/SUCCESS: 8 rules found/);
  });

  it("passes the alerts' unit tests (alerts.test.yml: every alert firing and quiet)", async () => {
    const tests = parse(await readFile(join(MONITORING_DIR, "alerts.test.yml"), "utf8")) as {
      tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const cases = tests.tests.flatMap((t) => t.alert_rule_test);
    for (const rule of await loadAlerts()) {
      expect(cases.some((c) => c.alertname === rule.alert && c.exp_alerts.length > 0), `${rule.alert} firing`).toBe(true);
      expect(cases.some((c) => c.alertname === rule.alert && c.exp_alerts.length === 0), `${rule.alert} quiet`).toBe(true);
    }
    expect(await promtoolRun(["test", "rules", "alerts.test.yml"])).toMatch(/SUCCESS/);
  });

  it("parses every dashboard query (as recording rules, Grafana's variables given values)", async () => {
    const queries = await dashboardQueries();
    const rules = queries.filter((q) => !q.expr.startsWith("label_values(")).map((q, i) => ({
      record: `dashboard:query_${i}`,
      expr: q.expr.replaceAll("$__rate_interval", "5m").replaceAll("$job", JOB).replaceAll("$instance", ".*"),
    }));
    const file = join(workDir, "dashboard-queries.yml");
    await writeFile(file, JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
    expect(await promtoolRun(["check", "rules", file])).toMatch(new RegExp(`SUCCESS: ${rules.length} rules found`));
  });

  it("accepts the compose scrape config, whose targets are compose.yaml's game servers", async () => {
    // promtool checks that the token file exists: a stand-in next to a copy of the config.
    const dir = await mkdtemp(join(workDir, "compose-"));
    for (const file of ["prometheus-compose.yml", "alerts.yml"]) await copyFile(join(MONITORING_DIR, file), join(dir, file));
    await writeFile(join(dir, "metrics-token"), "stand-in\n");
    expect(await promtoolRun(["check", "config", "prometheus-compose.yml"], dir)).toMatch(/SUCCESS: 8 rules found/);

    const config = parse(await readFile(join(MONITORING_DIR, "prometheus-compose.yml"), "utf8")) as ScrapeFile;
    const job = config.scrape_configs.find((j) => j.job_name === JOB)!;
    const compose = parse(await readFile(COMPOSE_FILE, "utf8"), { merge: true }) as { services: Record<string, { build?: unknown; environment?: Record<string, string> }> };
    const gameServers = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);
    expect(gameServers.length).toBeGreaterThan(0);
    // The image listens on 2567 (the Dockerfile's PORT) unless a service says otherwise; /metrics is
    // on that port only with METRICS_TOKEN, which every game server must be given.
    expect(job.static_configs!.flatMap((s) => s.targets).sort()).toEqual(gameServers.map(([name, s]) => `${name}:${s.environment?.PORT ?? 2567}`).sort());
    for (const [name, service] of gameServers) expect(Object.keys(service.environment ?? {}), name).toContain("METRICS_TOKEN");
  });

  it("accepts the Kubernetes scrape config, which keeps exactly the game server pods' http port", async () => {
    // Debian's promtool is built without Kubernetes discovery: the discovery is checked below
    // against the manifests, and promtool checks the rest with a static target in its place.
    const text = await readFile(join(MONITORING_DIR, "prometheus-kubernetes.yml"), "utf8");
    const config = parse(text) as ScrapeFile;
    const job = config.scrape_configs.find((j) => j.job_name === JOB)!;
    expect(job.kubernetes_sd_configs).toEqual([{ role: "pod" }]);
    const tokenFile = join(workDir, "k8s-token");
    await writeFile(tokenFile, "stand-in\n");
    const checked = {
      ...config,
      rule_files: [ALERTS],
      scrape_configs: [{ ...job, kubernetes_sd_configs: undefined, static_configs: [{ targets: ["10.0.0.1:2567"] }], authorization: { credentials_file: tokenFile } }],
    };
    expect(job.authorization?.credentials_file).toMatch(/^\//);
    const file = join(workDir, "prometheus-kubernetes.yml");
    await writeFile(file, JSON.stringify(checked));
    expect(await promtoolRun(["check", "config", file])).toMatch(/SUCCESS: 8 rules found/);

    const kept = (await podTargets()).flatMap((target) => {
      const labels = relabel({ ...target.meta }, job.relabel_configs ?? []);
      return labels === undefined ? [] : [{ workload: target.workload, address: labels.__address__, instance: labels.instance }];
    });
    expect(kept).toEqual([{ workload: "StatefulSet/gameserver", address: "10.0.0.1:2567", instance: "gameserver-0" }]);
  });
});

interface RelabelConfig { source_labels?: string[]; separator?: string; regex?: string; target_label?: string; replacement?: string; action?: string }
interface ScrapeJob {
  job_name: string;
  authorization?: { credentials_file?: string };
  static_configs?: { targets: string[] }[];
  kubernetes_sd_configs?: unknown[];
  relabel_configs?: RelabelConfig[];
}
interface ScrapeFile { rule_files?: string[]; scrape_configs: ScrapeJob[] }

/** Prometheus' relabelling (keep, drop, replace), enough for the config here; undefined: the target is dropped. */
function relabel(labels: Record<string, string>, configs: RelabelConfig[]): Record<string, string> | undefined {
  for (const config of configs) {
    const value = (config.source_labels ?? []).map((l) => labels[l] ?? "").join(config.separator ?? ";");
    const regex = new RegExp(`^(?:${config.regex ?? "(.*)"})$`);
    const action = config.action ?? "replace";
    if (action === "keep" && !regex.test(value)) return undefined;
    if (action === "drop" && regex.test(value)) return undefined;
    if (action === "replace") {
      const match = regex.exec(value);
      if (match !== null) labels[config.target_label!] = (config.replacement ?? "$1").replace(/\$(\d+)/g, (_, i: string) => match[Number(i)] ?? "");
    } else if (action !== "keep" && action !== "drop") {
      throw new Error(`relabel action ${action} is not simulated here`);
    }
  }
  return labels;
}

interface Workload { kind: string; metadata: { name: string }; spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; ports?: { name?: string; containerPort: number }[] }[] } } } }

/** What Kubernetes pod discovery gives Prometheus for the first pod of every workload in deploy/kubernetes: one target per container port. */
async function podTargets(): Promise<{ workload: string; meta: Record<string, string> }[]> {
  const targets: { workload: string; meta: Record<string, string> }[] = [];
  for (const file of (await readdir(K8S_DIR)).filter((f) => f.endsWith(".yaml"))) {
    const docs = parseAllDocuments(await readFile(join(K8S_DIR, file), "utf8"), { version: "1.1" }).map((d) => d.toJS() as Workload | null);
    for (const doc of docs) {
      if (doc === null || !["StatefulSet", "Deployment"].includes(doc.kind)) continue;
      const podName = doc.kind === "StatefulSet" ? `${doc.metadata.name}-0` : `${doc.metadata.name}-5d8f7c9b4-x2x7q`;
      const podLabels = Object.fromEntries(Object.entries(doc.spec.template.metadata.labels).map(([k, v]) => [`__meta_kubernetes_pod_label_${k.replace(/[^a-zA-Z0-9_]/g, "_")}`, v]));
      for (const container of doc.spec.template.spec.containers) {
        for (const port of container.ports ?? []) {
          targets.push({
            workload: `${doc.kind}/${doc.metadata.name}`,
            meta: {
              ...podLabels, __address__: `10.0.0.1:${port.containerPort}`, __meta_kubernetes_namespace: "default",
              __meta_kubernetes_pod_name: podName, __meta_kubernetes_pod_container_name: container.name,
              __meta_kubernetes_pod_container_port_name: port.name ?? "", __meta_kubernetes_pod_container_port_number: String(port.containerPort),
            },
          });
        }
      }
    }
  }
  return targets;
}
