import * as grpc from "@grpc/grpc-js";
import { createRequire } from "node:module";
import { stopWhenDone } from "./teardown.ts";

// The SDK package's own generated service definitions and messages: the fake speaks exactly the
// protocol the client library does (agones.dev.sdk.SDK and agones.dev.sdk.beta.SDK over gRPC).
const require = createRequire(import.meta.url);
const LIB = "@google-cloud/agones-sdk/lib";
const sdkGrpc = require(`${LIB}/sdk_grpc_pb.js`) as Record<string, grpc.ServiceDefinition>;
const betaGrpc = require(`${LIB}/beta/beta_grpc_pb.js`) as Record<string, grpc.ServiceDefinition>;
// The generated google-protobuf classes carry no typings.
type Pb = any;
const sdkPb = require(`${LIB}/sdk_pb.js`) as Pb;
const betaPb = require(`${LIB}/beta/beta_pb.js`) as Pb;

/** One request as the sidecar received it, in arrival order. */
export interface SidecarCall {
  method: string;
  /** Counter requests: the counter and what the request set. */
  name?: string;
  count?: number;
  capacity?: number;
  countDiff?: number;
  /** Whatever `observe` recorded when the request arrived. */
  observed?: Record<string, unknown>;
}

export interface FakeSidecarOptions {
  /** Default: a free port. */
  port?: number;
  /** GameServer.status.address and .ports, as Agones fills them in when the pod is scheduled. */
  address?: string;
  ports?: { name: string; port: number }[];
  /** Counters declared in the GameServer spec (Agones' default capacity: 1000). */
  counters?: string[];
  /** Called as each lifecycle request (Ready, Allocate, Shutdown) arrives, before it is answered. */
  observe?: (method: string) => Promise<Record<string, unknown>>;
}

export interface FakeSidecar {
  port: number;
  calls: SidecarCall[];
  /** The GameServer state the requests so far would set. */
  state(): string;
  counter(name: string): { count: number; capacity: number } | undefined;
  /** Health streams opened so far (the SDK keeps one open and writes a ping per Health()). */
  healthStreams(): number;
  /** Stops at once, dropping connections: what the client sees when the sidecar dies. Idempotent. */
  stop(): Promise<void>;
}

/** A stand-in for the Agones SDK server sidecar, on 127.0.0.1, recording every request. Stopped when its owner is done (see stopWhenDone). */
export async function startFakeSidecar(options: FakeSidecarOptions = {}): Promise<FakeSidecar> {
  const calls: SidecarCall[] = [];
  let state = "Scheduled";
  let healthStreams = 0;
  const counters = new Map((options.counters ?? []).map((name) => [name, { count: 0, capacity: 1000 }]));
  const observe = options.observe ?? (async () => ({}));
  const empty = () => new sdkPb.Empty();

  const gameServer = () => {
    const meta = new sdkPb.GameServer.ObjectMeta();
    meta.setName("arena-fleet-abcde");
    meta.setNamespace("default");
    const status = new sdkPb.GameServer.Status();
    status.setState(state);
    status.setAddress(options.address ?? "");
    for (const { name, port } of options.ports ?? []) {
      const entry = new sdkPb.GameServer.Status.Port();
      entry.setName(name);
      entry.setPort(port);
      status.addPorts(entry);
    }
    const message = new sdkPb.GameServer();
    message.setObjectMeta(meta);
    message.setStatus(status);
    return message;
  };

  const lifecycle = (method: string, next: string) => (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
    const entry: SidecarCall = { method };
    calls.push(entry);
    void observe(method).then((observed) => {
      entry.observed = observed;
      state = next;
      callback(null, empty());
    }, (error: Error) => callback(error));
  };

  const server = new grpc.Server();
  server.addService(sdkGrpc["agones.dev.sdk.SDK"]!, {
    ready: lifecycle("Ready", "Ready"),
    allocate: lifecycle("Allocate", "Allocated"),
    shutdown: lifecycle("Shutdown", "Shutdown"),
    health(call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) {
      healthStreams++;
      call.on("data", () => calls.push({ method: "Health" }));
      call.on("end", () => callback(null, empty()));
      call.on("error", () => undefined);
    },
    getGameServer(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
      calls.push({ method: "GetGameServer" });
      callback(null, gameServer());
    },
    // Like the real sidecar: the current GameServer at once, then the stream stays open.
    watchGameServer(call: grpc.ServerWritableStream<unknown, unknown>) {
      calls.push({ method: "WatchGameServer" });
      call.write(gameServer());
    },
  });
  server.addService(betaGrpc["agones.dev.sdk.beta.SDK"]!, {
    // Agones' rules: NOT_FOUND for an undeclared Counter, OUT_OF_RANGE for a count outside [0, capacity].
    updateCounter(call: grpc.ServerUnaryCall<Pb, unknown>, callback: grpc.sendUnaryData<unknown>) {
      const update = call.request.getCounterupdaterequest();
      const name = update.getName() as string;
      const entry: SidecarCall = { method: "UpdateCounter", name };
      if (update.hasCapacity()) entry.capacity = update.getCapacity().getValue();
      if (update.hasCount()) entry.count = update.getCount().getValue();
      if (update.getCountdiff() !== 0) entry.countDiff = update.getCountdiff();
      calls.push(entry);
      const counter = counters.get(name);
      if (counter === undefined) {
        callback({ code: grpc.status.NOT_FOUND, details: `counter not found: ${name}` });
        return;
      }
      const capacity = entry.capacity ?? counter.capacity;
      const count = (entry.count ?? counter.count) + (entry.countDiff ?? 0);
      if (count < 0 || (capacity > 0 && count > capacity)) {
        callback({ code: grpc.status.OUT_OF_RANGE, details: `count ${count} out of range [0, ${capacity}]` });
        return;
      }
      Object.assign(counter, { count, capacity });
      const reply = new betaPb.Counter();
      reply.setName(name);
      reply.setCount(count);
      reply.setCapacity(capacity);
      callback(null, reply);
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });

  const stop = async () => server.forceShutdown();
  stopWhenDone(stop);
  return {
    port,
    calls,
    state: () => state,
    counter: (name) => counters.get(name),
    healthStreams: () => healthStreams,
    stop,
  };
}
