import { Ajv } from "ajv";
import { readFileSync } from "node:fs";
import { PodTemplateSpec, type IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import { Service, type IService } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { GAME_PORT_NAME, HEALTH_PERIOD_MS, PLAYERS_COUNTER, ROOMS_COUNTER } from "../src/agones/AgonesLifecycle.ts";
import { loadConfig } from "../src/config.ts";

// deploy/agones is never applied to a cluster here: this checks the Fleet and FleetAutoscaler
// against Agones' own CRD schemas (vendored in deploy/agones/crds), the pod template and the Service
// against Kubernetes' (kubernetes-models), and asserts what the server's Agones lifecycle relies on.

const AGONES_DIR = new URL("../deploy/agones/", import.meta.url);
const read = (file: string) => readFileSync(new URL(file, AGONES_DIR), "utf8");

/** The one document of a YAML file, read as kubectl reads it (YAML 1.1). */
function loadOne(file: string): unknown {
  const docs = parseAllDocuments(read(file), { version: "1.1" });
  expect(docs).toHaveLength(1);
  if (docs[0]!.errors.length > 0) throw docs[0]!.errors[0];
  return docs[0]!.toJS();
}

type Json = Record<string, unknown>;

/**
 * A CRD's openAPIV3Schema as a JSON schema ajv can check, refusing fields the schema does not know
 * as `kubectl apply` does (strict field validation; the API server would otherwise drop them
 * silently). `x-kubernetes-int-or-string` becomes integer-or-string; the other x-kubernetes-*
 * keywords only steer the API server's merging and are ignored (ajv strict: false).
 */
function strictSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (node === null || typeof node !== "object") return node;
  const schema: Json = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, strictSchema(value)]));
  if (schema.properties !== undefined && schema.additionalProperties === undefined && schema["x-kubernetes-preserve-unknown-fields"] !== true) {
    schema.additionalProperties = false;
  }
  if (schema["x-kubernetes-int-or-string"] === true && schema.anyOf === undefined) schema.anyOf = [{ type: "integer" }, { type: "string" }];
  // OpenAPI 3.0's boolean exclusive bounds, in JSON Schema's numeric form.
  for (const [exclusive, bound] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]] as const) {
    if (typeof schema[exclusive] !== "boolean") continue;
    if (schema[exclusive] === true) schema[exclusive] = schema[bound];
    else delete schema[exclusive];
    if (schema[exclusive] !== undefined) delete schema[bound];
  }
  return schema;
}

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
for (const format of ["int-or-string", "byte", "date-time", "double"]) ajv.addFormat(format, true);

const validators = new Map<string, ReturnType<typeof ajv.compile>>();

/** Errors (JSON pointer and message) of `doc` against the served version of a vendored CRD; empty when valid. */
function crdErrorsOf(crdFile: string, doc: unknown): string[] {
  const validate = validators.get(crdFile) ?? compileCrd(crdFile);
  validators.set(crdFile, validate);
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

function compileCrd(crdFile: string) {
  const crd = loadOne(`crds/${crdFile}`) as {
    spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: Json } }[] };
  };
  const version = crd.spec.versions.find((v) => v.served)!;
  const root = strictSchema(version.schema.openAPIV3Schema) as Json & { properties: Json };
  // Every object's apiVersion, kind and metadata, which the CRD leaves to the API server.
  root.properties = {
    ...root.properties,
    apiVersion: { const: `${crd.spec.group}/${version.name}` },
    kind: { const: crd.spec.names.kind },
    metadata: {
      type: "object",
      required: ["name"],
      properties: { name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$" }, labels: { type: "object", additionalProperties: { type: "string" } } },
      additionalProperties: false,
    },
  };
  root.required = ["apiVersion", "kind", "metadata", "spec"];
  return ajv.compile(root);
}

interface Fleet {
  metadata: { name: string };
  spec: {
    template: {
      spec: {
        ports: { name: string; portPolicy: string; containerPort: number; protocol: string }[];
        health: { disabled?: boolean; initialDelaySeconds: number; periodSeconds: number; failureThreshold: number };
        counters: Record<string, { count: number; capacity: number }>;
        template: IPodTemplateSpec;
      };
    };
  };
}

interface FleetAutoscaler {
  spec: { fleetName: string; policy: { type: string; counter: { key: string; bufferSize: number | string; minCapacity: number; maxCapacity: number } } };
}

const fleet = loadOne("fleet.yaml") as Fleet;
const autoscaler = loadOne("fleetautoscaler.yaml") as FleetAutoscaler;
const service = loadOne("matchmaking-service.yaml") as IService;
const gameServer = fleet.spec.template.spec;
const pod = gameServer.template;
const container = pod.spec!.containers[0]!;
const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? ""]));

describe("deploy/agones", () => {
  it("is what Agones' CRD schemas and Kubernetes' schemas accept, without unknown fields", () => {
    expect(crdErrorsOf("fleets.agones.dev.yaml", fleet)).toEqual([]);
    expect(crdErrorsOf("fleetautoscalers.autoscaling.agones.dev.yaml", autoscaler)).toEqual([]);
    expect(() => new PodTemplateSpec(pod).validate()).not.toThrow();
    expect(() => new Service(service).validate()).not.toThrow();
  });

  it("refuses what Agones would: a misspelt field, a wrong type, an unknown enum value", () => {
    const edited = <T>(doc: T, edit: (copy: T) => void): T => {
      const copy = structuredClone(doc);
      edit(copy);
      return copy;
    };
    const fleetErrors = (edit: (copy: Fleet) => void) => crdErrorsOf("fleets.agones.dev.yaml", edited(fleet, edit));
    expect(fleetErrors((f) => Object.assign(f.spec.template.spec.health, { periodSecond: 5 })).join()).toContain("additionalProperty");
    expect(fleetErrors((f) => (f.spec.template.spec.ports[0]!.portPolicy = "Random")).join()).toContain("allowedValues");
    expect(fleetErrors((f) => Object.assign(f.spec.template.spec.counters.players!, { capacity: "many" })).join()).toContain("must be integer");
    // Deep in the embedded pod template too.
    expect(fleetErrors((f) => Object.assign(f.spec.template.spec.template.spec!, { terminationGracePeriodSecond: 45 })).join()).toContain("terminationGracePeriodSecond");
    expect(crdErrorsOf("fleetautoscalers.autoscaling.agones.dev.yaml", edited(autoscaler, (a) => (a.spec.policy.type = "Players"))).join()).toContain("allowedValues");
  });

  it("runs the server the way its Agones lifecycle expects", () => {
    const config = loadConfig(env);
    expect(config.isAgonesEnabled).toBe(true);
    // The address clients get comes from the GameServer (node address, allocated port).
    expect(config.publicAddress).toBeUndefined();
    expect(gameServer.ports).toEqual([{ name: GAME_PORT_NAME, portPolicy: "Dynamic", containerPort: config.port, protocol: "TCP" }]);
    expect(config.host).toBe("0.0.0.0");
    // At least two health pings fall in every period: one late ping is never a failure.
    expect(gameServer.health.disabled ?? false).toBe(false);
    expect(gameServer.health.periodSeconds * 1000).toBeGreaterThanOrEqual(2 * HEALTH_PERIOD_MS);
    expect(gameServer.health.failureThreshold).toBeGreaterThanOrEqual(2);
    // The drain, then Shutdown, fit in the grace period.
    expect(pod.spec!.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(config.drainTimeoutS + 15);
    // The capacities the autoscaler computes with are the limits the server enforces (and publishes).
    expect(gameServer.counters).toEqual({
      [ROOMS_COUNTER]: { count: 0, capacity: config.maxRoomsPerProcess },
      [PLAYERS_COUNTER]: { count: 0, capacity: config.maxClientsPerProcess },
    });
    expect(container.resources?.requests).toMatchObject({ cpu: "1" });
    expect(container.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: config.port });
  });

  it("scales that Fleet on its players Counter, within the rules Agones' webhook enforces", () => {
    expect(autoscaler.spec.fleetName).toBe(fleet.metadata.name);
    const { type, counter } = autoscaler.spec.policy;
    expect(type).toBe("Counter");
    expect(counter.key).toBe(PLAYERS_COUNTER);
    const perServer = gameServer.counters[PLAYERS_COUNTER]!.capacity;
    // pkg/apis/autoscaling/v1 ValidateCounterPolicy, for an absolute bufferSize.
    expect(typeof counter.bufferSize).toBe("number");
    const bufferSize = counter.bufferSize as number;
    expect(bufferSize).toBeGreaterThan(0);
    expect(counter.minCapacity).toBeLessThanOrEqual(counter.maxCapacity);
    expect(counter.maxCapacity).toBeGreaterThanOrEqual(bufferSize);
    expect(counter.minCapacity === 0 || counter.minCapacity >= bufferSize).toBe(true);
    // Bounds in whole servers, and at least one server's worth of free slots.
    expect(counter.minCapacity % perServer).toBe(0);
    expect(counter.maxCapacity % perServer).toBe(0);
    expect(bufferSize).toBeGreaterThanOrEqual(perServer);
  });

  it("matchmakes through the Fleet's pods, and only those", () => {
    const podLabels = { ...pod.metadata?.labels, "agones.dev/role": "gameserver" };
    const selector = service.spec?.selector ?? {};
    expect(selector).toMatchObject({ "agones.dev/role": "gameserver" });
    for (const [key, value] of Object.entries(selector)) expect(podLabels[key as keyof typeof podLabels]).toBe(value);
    expect(service.spec?.ports?.map((p) => p.targetPort)).toEqual([gameServer.ports[0]!.containerPort]);
  });

  it("names the Agones release its vendored schemas come from", () => {
    const chart = (loadOne("crds/fleets.agones.dev.yaml") as { metadata: { labels: { chart: string } } }).metadata.labels.chart;
    expect(chart).toMatch(/^agones-\d+\.\d+\.\d+$/);
    expect(read("crds/README.md")).toContain(`Agones v${chart.replace("agones-", "")} (tag`);
    expect((loadOne("crds/fleetautoscalers.autoscaling.agones.dev.yaml") as { metadata: { labels: { chart: string } } }).metadata.labels.chart).toBe(chart);
  });
});
