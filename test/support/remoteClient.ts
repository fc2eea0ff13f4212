import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Network } from "./netns.ts";

const DRIVER = fileURLToPath(new URL("./remoteClientDriver.ts", import.meta.url));
const START_DEADLINE_MS = 15_000;

/** Orders for remoteClientDriver.ts. */
export type DriverOrder =
  | { op: "join"; method: "joinOrCreate" | "create" | "joinById"; roomId?: string; options?: Record<string, unknown>; timeoutMs: number }
  | { op: "leave"; handle: string }
  | { op: "dm"; handle: string; to: string; text: string }
  /** Sends one room-level ping and resolves with the round trip: traffic from the client, like an input. */
  | { op: "ping"; handle: string }
  | { op: "state"; handle: string }
  /** A plain HTTP request to the client's base URL (the proxy), e.g. /p1/healthz. */
  | { op: "http"; method: "GET" | "POST"; path: string; body?: unknown; timeoutMs: number };

/** One JSON line each; `id` pairs an order with its reply. */
export type DriverRequest = DriverOrder & { id: number };

export type DriverEvent =
  | { event: "ready" }
  | { event: "message"; handle: string; type: string; payload: unknown }
  | { event: "drop"; handle: string; code: number; reason?: string }
  | { event: "reconnect"; handle: string; sessionId: string }
  | { event: "leave"; handle: string; code: number; reason?: string }
  | { event: "error"; handle: string; code: number; message?: string };

export type DriverReply =
  | DriverEvent
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code?: number; name?: string; message: string } };

export interface JoinedRoom {
  handle: string;
  roomId: string;
  sessionId: string;
  processId: string;
  publicAddress?: string;
}

export interface RoomSnapshot {
  tick: number | null;
  /** sessionId -> playerId of every player in the client's view of the state. */
  players: Record<string, string>;
  sessionId: string;
  isOpen: boolean;
}

/** A refusal from the driver: matchmaking's HTTP code (or a close code) when there was one. */
export class RemoteError extends Error {
  override name = "RemoteError";
  readonly code: number | undefined;
  constructor(message: string, code: number | undefined) {
    super(message);
    this.code = code;
  }
}

/**
 * The test's handle on a game client running in another network namespace (remoteClientDriver.ts):
 * requests are answered by their id, everything else is kept as an event to wait on.
 */
export class RemoteClient {
  readonly events: DriverEvent[] = [];
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  private stderr = "";

  private constructor(child: ChildProcess) {
    this.child = child;
    child.stderr!.on("data", (d) => (this.stderr = (this.stderr + String(d)).slice(-4_000)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let reply: DriverReply;
      try {
        reply = JSON.parse(line) as DriverReply;
      } catch {
        this.stderr += `\n(stdout) ${line}`;
        return;
      }
      if ("id" in reply) {
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if (reply.ok) waiting?.resolve(reply.result);
        else waiting?.reject(new RemoteError(reply.error.message, reply.error.code));
      } else {
        this.events.push(reply);
        for (const wake of this.waiters) wake();
      }
    });
    child.once("exit", (code, signal) => {
      for (const { reject } of this.pending.values()) reject(new Error(`client driver exited (${code ?? signal}): ${this.stderr}`));
      this.pending.clear();
    });
  }

  /** Starts a driver on `host` that plays against `baseUrl` (http://proxy:port). */
  static async start(net: Network, host: string, baseUrl: string): Promise<RemoteClient> {
    const child = net.spawn(host, process.execPath, [DRIVER, baseUrl], { stdio: ["pipe", "pipe", "pipe"] });
    const remote = new RemoteClient(child);
    await remote.waitForEvent((e) => e.event === "ready", START_DEADLINE_MS, "the client driver to start");
    return remote;
  }

  private call<T>(request: DriverOrder, deadlineMs: number): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${request.op} got no answer within ${deadlineMs} ms`));
      }, deadlineMs);
      this.pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value as T)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.child.stdin!.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }

  /** Matchmakes through the proxy and connects wherever the reservation points; rejects with RemoteError(code). */
  join(method: "joinOrCreate" | "create", options: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<JoinedRoom> {
    return this.call({ op: "join", method, options, timeoutMs }, timeoutMs + 5_000);
  }

  joinById(roomId: string, options: Record<string, unknown> = {}, timeoutMs = 10_000): Promise<JoinedRoom> {
    return this.call({ op: "join", method: "joinById", roomId, options, timeoutMs }, timeoutMs + 5_000);
  }

  leave(room: JoinedRoom): Promise<{ code: number }> {
    return this.call({ op: "leave", handle: room.handle }, 10_000);
  }

  dm(from: JoinedRoom, to: string, text: string): Promise<{ delivered: boolean }> {
    return this.call({ op: "dm", handle: from.handle, to, text }, 10_000);
  }

  ping(room: JoinedRoom, deadlineMs = 10_000): Promise<number> {
    return this.call({ op: "ping", handle: room.handle }, deadlineMs);
  }

  state(room: JoinedRoom): Promise<RoomSnapshot> {
    return this.call({ op: "state", handle: room.handle }, 10_000);
  }

  http(method: "GET" | "POST", path: string, body?: unknown, timeoutMs = 10_000): Promise<{ status: number; body: unknown }> {
    return this.call({ op: "http", method, path, body, timeoutMs }, timeoutMs + 5_000);
  }

  /** The first event (already seen or still to come) matching `predicate`; rejects at the deadline. */
  async waitForEvent<E extends DriverEvent>(predicate: (event: DriverEvent) => event is E, deadlineMs: number, what: string): Promise<E>;
  async waitForEvent(predicate: (event: DriverEvent) => boolean, deadlineMs: number, what: string): Promise<DriverEvent>;
  async waitForEvent(predicate: (event: DriverEvent) => boolean, deadlineMs: number, what: string): Promise<DriverEvent> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found !== undefined) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.child.exitCode !== null) {
        throw new Error(`waited ${deadlineMs} ms for ${what}; events: ${JSON.stringify(this.events.slice(-10))}; stderr: ${this.stderr.slice(-1_000)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, remaining);
        function wake() {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        }
        const waiters = this.waiters;
        waiters.add(wake);
      });
    }
  }

  /** Closes stdin (the driver exits), then kills it if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, "exit");
    this.child.stdin!.end();
    const killer = setTimeout(() => this.child.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(killer);
  }
}
