import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IService } from "kubernetes-models/v1/Service";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { loadConfig } from "../src/config.ts";
import { NGINX_CONFIG_PATH, renderNginxConfig, withProcessSlots } from "./support/nginx.ts";
import { requireTool } from "./support/requireTool.ts";

// deploy/kubernetes is never applied to a cluster here: this checks every object against
// Kubernetes' own schemas (kubernetes-models), rejects fields those schemas do not know (as
// `kubectl apply` does), and asserts what the deployment relies on.

const K8S_DIR = fileURLToPath(new URL("../deploy/kubernetes/", import.meta.url));
const NGINX_CONF = join(K8S_DIR, "nginx.conf");
const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
const SECRET_KEYS = ["JOIN_SECRET", "ADMIN_TOKEN", "METRICS_TOKEN"];

/** Every document of a YAML stream, read as kubectl reads it (YAML 1.1: an unquoted `on` is a boolean). */
function loadAll(text: string): unknown[] {
  return parseAllDocuments(text, { version: "1.1" }).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS();
  });
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
}

interface ModelClass {
  apiVersion: string;
  kind: string;
  prototype: { validate(this: unknown): void };
}

/** The kubernetes-models class for a top-level kind; throws for a kind Kubernetes does not have. */
async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const isWellFormed = /^([a-z0-9.-]+\/)?v\d+[a-z0-9]*$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind);
  const module: unknown = isWellFormed ? await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}/${kind}`).catch(() => undefined) : undefined;
  const model = (module as Record<string, Partial<ModelClass>> | undefined)?.[kind];
  // The package also exports nested types (StatefulSetSpec...), which carry no apiVersion/kind.
  if (model?.apiVersion !== apiVersion || model.kind !== kind) throw new Error(`unknown kind ${kind} in ${apiVersion}`);
  return model as ModelClass;
}

/**
 * Validates against the schema, then rejects every field the schema never looked at: the
 * generated validators read each property they know, and enumerate the keys of free-form maps
 * (labels, data), so an unread key is one Kubernetes does not have (a typo such as
 * `publishNotReadyAdresses` would otherwise pass and be dropped, or refused, by the API server).
 */
async function validateObject(doc: unknown): Promise<void> {
  if (doc === null || typeof doc !== "object") throw new Error("not an object");
  const { apiVersion, kind } = doc as Partial<K8sObject>;
  const model = await modelFor(String(apiVersion), String(kind));
  const readKeys = new WeakMap<object, Set<string>>();
  const enumerated = new WeakSet<object>();
  const proxies = new WeakMap<object, object>();
  const track = (value: unknown): unknown => {
    if (value === null || typeof value !== "object") return value;
    let proxy = proxies.get(value);
    if (proxy === undefined) {
      proxy = new Proxy(value, {
        get(target, key, receiver) {
          if (typeof key === "string") readKeys.set(target, (readKeys.get(target) ?? new Set()).add(key));
          return track(Reflect.get(target, key, receiver));
        },
        ownKeys(target) {
          enumerated.add(target);
          return Reflect.ownKeys(target);
        },
      });
      proxies.set(value, proxy);
    }
    return proxy;
  };
  model.prototype.validate.call(track(doc));
  const unknown: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value)) {
      if (!Array.isArray(value) && !enumerated.has(value) && !readKeys.get(value)?.has(key)) unknown.push(`${path}/${key}`);
      walk(child, `${path}/${key}`);
    }
  };
  walk(doc, "");
  if (unknown.length > 0) throw new Error(`unknown field(s) ${unknown.join(", ")}`);
}

interface Kustomization {
  resources: string[];
  configMapGenerator: { name: string; files: string[] }[];
  images: { name: string; newName?: string; newTag?: string }[];
}

/** The fields kustomization.yaml may use: those that both kustomize v2 (Debian's kubectl) and v5 read alike. */
function checkKustomization(doc: unknown, yamlFiles: string[]): Kustomization {
  const k = doc as Partial<Kustomization> & Record<string, unknown>;
  expect(k.apiVersion).toBe("kustomize.config.k8s.io/v1beta1");
  expect(k.kind).toBe("Kustomization");
  expect(Object.keys(k).filter((key) => !["apiVersion", "kind", "resources", "configMapGenerator", "images"].includes(key))).toEqual([]);
  const resources = k.resources ?? [];
  // Every manifest in the directory is applied: none is forgotten, none is listed but missing.
  expect([...resources].sort()).toEqual(yamlFiles.filter((f) => f !== "kustomization.yaml").sort());
  return { resources, configMapGenerator: k.configMapGenerator ?? [], images: k.images ?? [] };
}

/** Everything `kubectl apply -k` would send, with generated ConfigMaps named without their hash. */
async function loadManifests(): Promise<{ objects: K8sObject[]; kustomization: Kustomization; sources: Map<K8sObject, string> }> {
  const yamlFiles = (await readdir(K8S_DIR)).filter((f) => /\.ya?ml$/.test(f));
  const sources = new Map<K8sObject, string>();
  const objects: K8sObject[] = [];
  let kustomization: Kustomization | undefined;
  for (const file of yamlFiles) {
    for (const doc of loadAll(await readFile(join(K8S_DIR, file), "utf8"))) {
      if (doc === null || doc === undefined) continue;
      if (file === "kustomization.yaml") {
        kustomization = checkKustomization(doc, yamlFiles);
        continue;
      }
      await validateObject(doc).catch((error: Error) => {
        throw new Error(`${file}: ${(doc as Partial<K8sObject>).kind} ${(doc as Partial<K8sObject>).metadata?.name}: ${error.message}`);
      });
      objects.push(doc as K8sObject);
      sources.set(doc as K8sObject, file);
    }
  }
  if (kustomization === undefined) throw new Error("deploy/kubernetes has no kustomization.yaml");
  for (const generator of kustomization.configMapGenerator) {
    const data: Record<string, string> = {};
    for (const file of generator.files) data[basename(file)] = await readFile(join(K8S_DIR, file), "utf8");
    const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: generator.name }, data };
    await validateObject(configMap);
    objects.push(configMap);
  }
  const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
  expect(names.filter((n, i) => names.indexOf(n) !== i), "objects defined twice").toEqual([]);
  return { objects, kustomization, sources };
}

function ofKind<T>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

function named<T>(objects: K8sObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} named ${name}`);
  return found as T;
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function cpuCores(quantity: string | number | undefined): number {
  const text = String(quantity);
  return text.endsWith("m") ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

/** A container port given by name or number, as the number. */
function portNumber(container: IContainer, port: string | number | undefined): number | undefined {
  return typeof port === "number" ? port : container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The environment the pod's process sees: its ConfigMaps, then its own `env` (which wins). */
function environmentOf(container: IContainer, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef !== undefined) Object.assign(env, named<IConfigMap>(objects, "ConfigMap", source.configMapRef.name!).data);
    // The Secret is created by hand (docs/deploy.md), so it must be optional and is absent here.
    if (source.secretRef !== undefined) expect(source.secretRef.optional, `Secret ${source.secretRef.name} is optional`).toBe(true);
  }
  for (const variable of container.env ?? []) {
    expect(variable.value, `${variable.name} has its value in the manifest`).toBeTypeOf("string");
    env[variable.name] = variable.value!;
  }
  return env;
}

/**
 * deploy/nginx/gameserver.conf rendered as the proxy Deployment runs it: its port, its state
 * volume, process N routed to the Service selecting pod N-1, the rest to the shared Service.
 */
async function renderFor(objects: K8sObject[], game: IStatefulSet, proxy: IDeployment): Promise<string> {
  const pod = proxy.spec!.template.spec!;
  const nginx = pod.containers.find((c) => c.image?.startsWith("nginx"))!;
  const stateVolume = pod.volumes!.find((v) => v.emptyDir !== undefined)!;
  const ordinal = (s: IService) => Number(/-(\d+)$/.exec(s.spec!.selector![POD_NAME_LABEL]!)?.[1]);
  const services = ofKind<IService>(objects, "Service");
  const perPod = services.filter((s) => s.spec?.selector?.[POD_NAME_LABEL] !== undefined).sort((a, b) => ordinal(a) - ordinal(b));
  const shared = services.find((s) => s.spec?.clusterIP !== "None" && s.spec?.selector?.[POD_NAME_LABEL] === undefined && selects(s.spec?.selector, game.spec!.template.metadata!.labels));
  if (shared === undefined) throw new Error("no ClusterIP Service selects all the game pods (the matchmaking route)");
  return renderNginxConfig(withProcessSlots(await readFile(NGINX_CONFIG_PATH, "utf8"), perPod.length), {
    listen: String(portNumber(nginx, "http")),
    processes: perPod.map((s) => `${s.metadata!.name}:${s.spec!.ports![0]!.port}`),
    sharedUpstream: `${shared.metadata!.name}:${shared.spec!.ports![0]!.port}`,
    stateDir: nginx.volumeMounts!.find((m) => m.name === stateVolume.name)!.mountPath,
  });
}

describe("deploy/kubernetes", () => {
  let objects: K8sObject[];
  let kustomization: Kustomization;
  let sources: Map<K8sObject, string>;
  let game: IStatefulSet;
  let gamePod: IPodSpec;
  let gameContainer: IContainer;
  let proxy: IDeployment;
  /** The committed template rendered for these manifests; the routing tests read this. */
  let rendered: string;

  beforeAll(async () => {
    ({ objects, kustomization, sources } = await loadManifests());
    const statefulSets = ofKind<IStatefulSet>(objects, "StatefulSet");
    expect(statefulSets).toHaveLength(1);
    game = statefulSets[0]!;
    gamePod = game.spec!.template.spec!;
    expect(gamePod.containers).toHaveLength(1);
    gameContainer = gamePod.containers[0]!;
    const proxies = ofKind<IDeployment>(objects, "Deployment").filter((d) => d.spec!.template.spec!.containers.some((c) => c.image?.startsWith("nginx")));
    expect(proxies).toHaveLength(1);
    proxy = proxies[0]!;
    rendered = await renderFor(objects, game, proxy);
  });

  it("is made of objects Kubernetes knows, each valid against its schema", () => {
    // loadManifests validated each one; this pins the kinds there, so a dropped file shows.
    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(["ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "Service", "StatefulSet"]));
  });

  it("and the validator refuses what the API server would", async () => {
    const brokenReplicas = structuredClone(game) as unknown as { spec: { replicas: unknown } };
    brokenReplicas.spec.replicas = "three";
    await expect(validateObject(brokenReplicas)).rejects.toThrow(/replicas must be integer/);
    const service = structuredClone(named<IService>(objects, "Service", "gameserver-0")) as unknown as { spec: Record<string, unknown> };
    service.spec.publishNotReadyAdresses = service.spec.publishNotReadyAddresses;
    delete service.spec.publishNotReadyAddresses;
    await expect(validateObject(service)).rejects.toThrow(/unknown field\(s\) \/spec\/publishNotReadyAdresses/);
    await expect(validateObject({ ...game, kind: "StatefulSett" })).rejects.toThrow(/unknown kind StatefulSett/);
    await expect(validateObject({ ...game, kind: "StatefulSetSpec" })).rejects.toThrow(/unknown kind/);
    await expect(validateObject({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).rejects.toThrow(/unknown kind Widget/);
  });

  it("runs nginx on the committed config, rendered for these Services", async () => {
    const pod = proxy.spec!.template.spec!;
    const nginx = pod.containers.find((c) => c.image?.startsWith("nginx"))!;
    const configVolume = pod.volumes!.find((v) => v.configMap?.name === "gameserver-nginx")!;
    expect(kustomization.configMapGenerator.find((g) => g.name === "gameserver-nginx")?.files).toEqual(["nginx.conf"]);
    const configDir = nginx.volumeMounts!.find((m) => m.name === configVolume.name)!.mountPath;
    expect(nginx.command).toEqual(expect.arrayContaining(["-c", `${configDir}/nginx.conf`]));
    // Its logs go to the container's stdout/stderr (kubectl logs), not onto the state volume.
    const links = (pod.initContainers ?? []).flatMap((c) => c.command ?? []).join(" ");
    expect(links).toContain(`ln -sf /dev/stdout ${/^\s*access_log (\S+);/m.exec(rendered)![1]}`);
    expect(links).toContain(`ln -sf /dev/stderr ${/^error_log (\S+) /m.exec(rendered)![1]}`);
    // One config everywhere: deploy/kubernetes/nginx.conf is the rendering, byte for byte.
    // After changing the template or the Services: `npx vitest run test/kubernetes.test.ts -u`.
    await expect(rendered).toMatchFileSnapshot(NGINX_CONF);
  });

  it("runs one game process per pod on a whole core, probed on /livez and /readyz", () => {
    expect(cpuCores(gameContainer.resources?.requests?.cpu)).toBe(1);
    const containerPort = portNumber(gameContainer, "http");
    expect(containerPort).toBe(Number(environmentOf(gameContainer, objects).PORT ?? 2567));
    const probe = (name: "livenessProbe" | "readinessProbe" | "startupProbe") => {
      const httpGet = gameContainer[name]?.httpGet;
      return httpGet === undefined ? undefined : { path: httpGet.path, port: portNumber(gameContainer, httpGet.port) };
    };
    expect(probe("livenessProbe")).toEqual({ path: "/livez", port: containerPort });
    expect(probe("readinessProbe")).toEqual({ path: "/readyz", port: containerPort });
    if (gameContainer.startupProbe !== undefined) expect(probe("startupProbe")).toEqual({ path: "/livez", port: containerPort });
  });

  it("gives the drain its time: terminationGracePeriodSeconds >= DRAIN_TIMEOUT_S + 15, both stated", () => {
    expect(gameContainer.env?.map((v) => v.name), "DRAIN_TIMEOUT_S is stated in the container's env").toContain("DRAIN_TIMEOUT_S");
    const { drainTimeoutS } = loadConfig(environmentOf(gameContainer, objects), { hostname: `${game.metadata!.name}-0` });
    expect(gamePod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(drainTimeoutS + 15);
  });

  it("configures every pod through a ConfigMap the server accepts, secrets only through an optional Secret", () => {
    expect(gameContainer.envFrom?.some((s) => s.secretRef !== undefined)).toBe(true);
    for (const configMap of ofKind<IConfigMap>(objects, "ConfigMap")) {
      for (const key of SECRET_KEYS) expect(configMap.data ?? {}, `${configMap.metadata!.name} holds no secret`).not.toHaveProperty(key);
    }
    const env = environmentOf(gameContainer, objects);
    for (let ordinal = 0; ordinal < game.spec!.replicas!; ordinal++) {
      const config = loadConfig(env, { hostname: `${game.metadata!.name}-${ordinal}` });
      expect(config.redis?.kind).toBe("url");
      expect(config.trustedProxies.length, "servers behind nginx trust it").toBeGreaterThan(0);
    }
    // REDIS_URL names a Service of these manifests (the dev Redis), on its port.
    const redis = new URL(env.REDIS_URL!);
    expect(named<IService>(objects, "Service", redis.hostname).spec!.ports!.map((p) => p.port)).toContain(Number(redis.port || 6379));
  });

  it("gives pod N-1 the address /pN/ and nginx a route /pN/ to a Service that ignores readiness", () => {
    const podLabels = game.spec!.template.metadata!.labels;
    const perPod = ofKind<IService>(objects, "Service").filter((s) => s.spec?.selector?.[POD_NAME_LABEL] !== undefined);
    const routes = new Map([...rendered.matchAll(/location \/p(\d+)\/ \{ proxy_pass http:\/\/(gameserver_p\d+)\/; \}/g)].map((m) => [Number(m[1]), m[2]!]));
    const upstreams = new Map([...rendered.matchAll(/upstream (gameserver_p\d+) \{ server ([^;\s]+); \}/g)].map((m) => [m[1]!, m[2]!]));
    expect(routes.size).toBe(perPod.length);
    expect(game.spec!.replicas, "every replica has a route").toBeLessThanOrEqual(perPod.length);
    const env = environmentOf(gameContainer, objects);
    for (let ordinal = 0; ordinal < perPod.length; ordinal++) {
      const podName = `${game.metadata!.name}-${ordinal}`;
      const publicAddress = loadConfig(env, { hostname: podName }).publicAddress!;
      const prefix = Number(/\/p(\d+)$/.exec(publicAddress)?.[1]);
      expect(prefix, `${podName}'s PUBLIC_ADDRESS ${publicAddress}`).toBe(ordinal + 1);
      const services = perPod.filter((s) => s.spec!.selector![POD_NAME_LABEL] === podName);
      expect(services, `one Service selects ${podName}`).toHaveLength(1);
      const service = services[0]!;
      const { [POD_NAME_LABEL]: _pod, ...rest } = service.spec!.selector!;
      expect(selects(rest, podLabels), `${service.metadata!.name} selects game pods`).toBe(true);
      expect(service.spec!.publishNotReadyAddresses, `${service.metadata!.name} keeps routing to an unready pod`).toBe(true);
      const port = service.spec!.ports![0]!;
      expect(portNumber(gameContainer, port.targetPort)).toBe(portNumber(gameContainer, "http"));
      expect(upstreams.get(routes.get(prefix)!), `nginx /p${prefix}/ goes to ${service.metadata!.name}`).toBe(`${service.metadata!.name}:${port.port}`);
    }
  });

  it("sends matchmaking through a Service that follows readiness", () => {
    const shared = /upstream gameserver \{([^}]*)\}/.exec(rendered)?.[1] ?? "";
    const servers = [...shared.matchAll(/server ([^;\s]+);/g)].map((m) => m[1]);
    expect(servers).toHaveLength(1);
    const [name, port] = servers[0]!.split(":");
    const service = named<IService>(objects, "Service", name!);
    expect(service.spec!.publishNotReadyAddresses ?? false).toBe(false);
    expect(service.spec!.clusterIP).not.toBe("None");
    expect(service.spec!.selector).not.toHaveProperty(POD_NAME_LABEL);
    expect(selects(service.spec!.selector, game.spec!.template.metadata!.labels)).toBe(true);
    expect(service.spec!.ports!.map((p) => String(p.port))).toContain(port);
  });

  it("keeps a PodDisruptionBudget over the game pods, and only them", () => {
    const budgets = ofKind<IPodDisruptionBudget>(objects, "PodDisruptionBudget").filter((b) => selects(b.spec!.selector?.matchLabels, game.spec!.template.metadata!.labels));
    expect(budgets).toHaveLength(1);
    const budget = budgets[0]!;
    expect(budget.spec!.maxUnavailable ?? budget.spec!.minAvailable).toBeDefined();
    for (const other of ofKind<IDeployment>(objects, "Deployment")) {
      expect(selects(budget.spec!.selector!.matchLabels, other.spec!.template.metadata!.labels), other.metadata!.name).toBe(false);
    }
  });

  it("lets the proxy, and only it, reach the game port; exposes the proxy through a load balancer", () => {
    const gameLabels = game.spec!.template.metadata!.labels;
    const policy = ofKind<INetworkPolicy>(objects, "NetworkPolicy").find((p) => selects(p.spec!.podSelector.matchLabels, gameLabels))!;
    const sources = policy.spec!.ingress!.flatMap((rule) => rule.from ?? []);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(selects(source.podSelector?.matchLabels, proxy.spec!.template.metadata!.labels)).toBe(true);
    const publicServices = ofKind<IService>(objects, "Service").filter((s) => s.spec?.type === "LoadBalancer");
    expect(publicServices).toHaveLength(1);
    expect(selects(publicServices[0]!.spec!.selector, proxy.spec!.template.metadata!.labels)).toBe(true);
    expect(publicServices[0]!.spec!.externalTrafficPolicy, "nginx sees the client's own address").toBe("Local");
  });

  it("runs every container as non-root on a read-only root filesystem", () => {
    const pods = [...ofKind<IStatefulSet>(objects, "StatefulSet"), ...ofKind<IDeployment>(objects, "Deployment")].map((w) => ({ name: w.metadata!.name, spec: w.spec!.template.spec! }));
    for (const { name, spec } of pods) {
      expect(spec.securityContext?.runAsNonRoot, name).toBe(true);
      expect(spec.automountServiceAccountToken, name).toBe(false);
      for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect(container.securityContext?.readOnlyRootFilesystem, `${name}/${container.name}`).toBe(true);
        expect(container.securityContext?.allowPrivilegeEscalation, `${name}/${container.name}`).toBe(false);
      }
    }
  });

  it("marks the bundled Redis as development-only, and names the game image a placeholder kustomize replaces", async () => {
    const redis = ofKind<IDeployment>(objects, "Deployment").filter((d) => d.spec!.template.spec!.containers.some((c) => c.image?.startsWith("redis")));
    expect(redis).toHaveLength(1);
    expect(redis[0]!.spec!.replicas).toBe(1);
    expect(redis[0]!.metadata!.labels?.["app.kubernetes.io/component"]).toBe("redis-dev");
    expect(await readFile(join(K8S_DIR, sources.get(redis[0] as K8sObject)!), "utf8")).toMatch(/^# DEVELOPMENT CLUSTERS ONLY/);
    expect(kustomization.images.map((i) => i.name)).toContain(gameContainer.image);
  });
});

// The real kustomize (inside kubectl) builds what `kubectl apply -k` sends: the generated
// ConfigMap's hashed name must reach the proxy's volume, and the image placeholder its value.
const kubectl = requireTool("kubectl", "apt-get install -y kubernetes-client");

describe.skipIf(kubectl === undefined)("kubectl kustomize deploy/kubernetes", () => {
  it("builds objects that validate, with the nginx ConfigMap and the image wired in", async () => {
    const build = spawnSync(kubectl!, ["kustomize", K8S_DIR], { encoding: "utf8", timeout: 20_000 });
    expect(build.status, build.stderr).toBe(0);
    const built = loadAll(build.stdout).filter((d) => d !== null) as K8sObject[];
    for (const doc of built) await validateObject(doc);
    const configMaps = ofKind<IConfigMap>(built, "ConfigMap").filter((c) => c.metadata!.name!.startsWith("gameserver-nginx-"));
    expect(configMaps).toHaveLength(1);
    expect(configMaps[0]!.data!["nginx.conf"]).toBe(await readFile(NGINX_CONF, "utf8"));
    const proxyVolumes = ofKind<IDeployment>(built, "Deployment").flatMap((d) => d.spec!.template.spec!.volumes ?? []);
    expect(proxyVolumes.map((v) => v.configMap?.name)).toContain(configMaps[0]!.metadata!.name);
    const { objects, kustomization } = await loadManifests();
    expect(built.map((o) => `${o.kind}/${o.metadata.name.replace(/^(gameserver-nginx)-[a-z0-9]+$/, "$1")}`).sort()).toEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort());
    const image = kustomization.images.find((i) => i.name === "arena-game-server")!;
    expect(ofKind<IStatefulSet>(built, "StatefulSet")[0]!.spec!.template.spec!.containers[0]!.image).toBe(`${image.newName}:${image.newTag}`);
  });
});

// deploy/kubernetes-sentinel: the base with three Redis pods and three Sentinels in place of the
// dev Redis. Built by the real kustomize, then checked as the base is, and for what a failover needs.
const SENTINEL_DIR = fileURLToPath(new URL("../deploy/kubernetes-sentinel/", import.meta.url));

describe.skipIf(kubectl === undefined)("kubectl kustomize deploy/kubernetes-sentinel", () => {
  let built: K8sObject[];
  let config: ReturnType<typeof loadConfig>;
  const podsOf = (name: string) => named<IStatefulSet>(built, "StatefulSet", name);

  beforeAll(async () => {
    const build = spawnSync(kubectl!, ["kustomize", SENTINEL_DIR], { encoding: "utf8", timeout: 20_000 });
    expect(build.status, build.stderr).toBe(0);
    built = loadAll(build.stdout).filter((d) => d !== null) as K8sObject[];
    for (const doc of built) await validateObject(doc);
    const game = podsOf("gameserver");
    config = loadConfig(environmentOf(game.spec!.template.spec!.containers[0]!, built), { hostname: "gameserver-0" });
  });

  it("replaces the dev Redis, and the game servers accept their configuration: Sentinels, no REDIS_URL", () => {
    expect(built.filter((o) => o.metadata.name === "redis-dev")).toEqual([]);
    expect(named<IConfigMap>(built, "ConfigMap", "gameserver-config").data).not.toHaveProperty("REDIS_URL");
    expect(config.redis?.kind).toBe("sentinel");
  });

  it("names every Sentinel pod by its stable DNS name, and a majority of them must agree on a failover", () => {
    if (config.redis?.kind !== "sentinel") throw new Error("not on Sentinel");
    const sentinels = podsOf("redis-sentinel");
    const service = named<IService>(built, "Service", sentinels.spec!.serviceName!);
    expect(service.spec!.clusterIP).toBe("None");
    const port = service.spec!.ports![0]!.port;
    expect(config.redis.sentinels).toEqual(Array.from({ length: sentinels.spec!.replicas! }, (_, i) => ({ host: `redis-sentinel-${i}.${service.metadata!.name}`, port })));

    const scripts = named<IConfigMap>(built, "ConfigMap", "redis-sentinel-scripts").data!;
    const monitor = /^sentinel monitor (\S+) \$\{primary:-([a-z0-9-]+)-0\.([a-z0-9-]+)\} (\d+) (\d+)$/m.exec(scripts["sentinel.sh"]!);
    expect(monitor, "sentinel.sh's monitor line").not.toBeNull();
    const [, primaryName, redisSet, redisService, redisPort, quorum] = monitor!;
    expect(primaryName).toBe(config.redis.primaryName);
    const redis = podsOf(redisSet!);
    expect(redis.spec!.serviceName).toBe(redisService);
    expect(named<IService>(built, "Service", redisService!).spec!.ports![0]!.port).toBe(Number(redisPort));
    expect(redis.spec!.replicas).toBeGreaterThanOrEqual(2);
    expect(Number(quorum)).toBeGreaterThan(sentinels.spec!.replicas! / 2);
    expect(Number(quorum)).toBeLessThanOrEqual(sentinels.spec!.replicas!);
    expect(scripts["current-primary.sh"]).toContain(`get-master-addr-by-name ${primaryName}`);
  });

  it("ships scripts the shell parses, each pod reading them from the ConfigMap", () => {
    const scripts = named<IConfigMap>(built, "ConfigMap", "redis-sentinel-scripts").data!;
    for (const [name, script] of Object.entries(scripts)) {
      const check = spawnSync("sh", ["-n"], { input: script, encoding: "utf8" });
      expect(check.status, `${name}: ${check.stderr}`).toBe(0);
    }
    for (const set of [podsOf("redis"), podsOf("redis-sentinel")]) {
      const command = set.spec!.template.spec!.containers[0]!.command!;
      expect(Object.keys(scripts)).toContain(command[1]!.replace("/scripts/", ""));
    }
  });

  it("lets the game pods reach Redis and the Sentinels, runs all as non-root on read-only roots, and keeps the quorum through drains", () => {
    const gameLabels = podsOf("gameserver").spec!.template.metadata!.labels;
    for (const name of ["redis", "redis-sentinel"]) {
      const set = podsOf(name);
      const labels = set.spec!.template.metadata!.labels;
      const policy = ofKind<INetworkPolicy>(built, "NetworkPolicy").find((p) => selects(p.spec!.podSelector.matchLabels, labels));
      expect(policy, `a NetworkPolicy over ${name}`).toBeDefined();
      const peers = policy!.spec!.ingress!.flatMap((rule) => rule.from ?? []);
      expect(peers.some((peer) => selects(peer.podSelector?.matchLabels, gameLabels)), `game pods reach ${name}`).toBe(true);
      const spec = set.spec!.template.spec!;
      expect(spec.securityContext?.runAsNonRoot, name).toBe(true);
      for (const container of spec.containers) expect(container.securityContext?.readOnlyRootFilesystem, name).toBe(true);
      const budget = ofKind<IPodDisruptionBudget>(built, "PodDisruptionBudget").find((b) => selects(b.spec!.selector?.matchLabels, labels));
      expect(budget?.spec!.maxUnavailable, `${name}: one pod at a time`).toBe(1);
    }
  });
});

// nginx resolves its upstream hostnames when it starts, and refuses to start when one does not
// resolve: in a private mount namespace, /etc/hosts names the Services (as the cluster's DNS
// would) and a tmpfs holds the state directory, so `nginx -t` checks the exact committed file.
const nginxPath = requireTool("nginx");
const unsharePath = requireTool("unshare", "apt-get install -y util-linux");
const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI === "true") throw new Error("CI runs as root: the nginx -t check of deploy/kubernetes/nginx.conf needs it for a mount namespace");

describe.skipIf(nginxPath === undefined || unsharePath === undefined || !isRoot)("nginx -t on deploy/kubernetes/nginx.conf", () => {
  it("accepts the committed config once the Service names resolve", async () => {
    const config = await readFile(NGINX_CONF, "utf8");
    const hostnames = [...new Set([...config.matchAll(/^[^#]*\bserver ([a-z0-9-]+):\d+;/gm)].map((m) => m[1]!))];
    expect(hostnames.length).toBeGreaterThan(1);
    const stateDir = /^pid (\/[^;]+)\/[^/;]+;/m.exec(config)![1]!;
    expect(stateDir).toMatch(/^\/run\//);
    const dir = await mkdtemp(join(tmpdir(), "k8s-nginx-check-"));
    try {
      const hosts = join(dir, "hosts");
      await writeFile(hosts, ["127.0.0.1 localhost", ...hostnames.map((name, i) => `10.96.0.${i + 10} ${name}`)].join("\n") + "\n");
      const script = `mount --bind "$1" /etc/hosts && mount -t tmpfs tmpfs /run && mkdir -p "$2" && exec "$3" -e stderr -t -c "$4"`;
      const check = spawnSync(unsharePath!, ["--mount", "--propagation", "private", "sh", "-c", script, "sh", hosts, stateDir, nginxPath!, NGINX_CONF], { encoding: "utf8", timeout: 10_000 });
      expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
      expect(check.stderr).toContain("test is successful");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
