import { Client, type Room } from "@colyseus/sdk";
import { get } from "node:http";
import { connect, createServer, type Socket } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { freePort } from "../loadtest/ports.ts";
import { leaveWhenDone } from "./support/cluster.ts";
import { startFakeSidecar, type FakeSidecar, type SidecarCall } from "./support/fakeAgonesSidecar.ts";
import { startServer, type RunningServer } from "./support/serverProcess.ts";
import { stopWhenDone } from "./support/teardown.ts";

/** Whether a fresh connection to the server's public port gets an answer from /healthz. */
function isServing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get({ host: "127.0.0.1", port, path: "/healthz", agent: false, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on("error", () => resolve(false));
    request.on("timeout", () => request.destroy());
  });
}

/** A stand-in for the node port Agones allocates (hostPort -> containerPort): forwards TCP, counts connections; closed when the test ends. */
async function startHostPort(target: number) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((inbound) => {
    connections++;
    const outbound = connect(target, "127.0.0.1");
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stopWhenDone(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });
  return { port: (server.address() as { port: number }).port, connections: () => connections };
}

/** Node flag: at exit the server prints one JSON line saying how many agones-sdk modules it loaded. */
const REPORT_SDK_LOADED = `--import=data:text/javascript,${encodeURIComponent(
  "import { createRequire } from 'node:module'; const cache = createRequire(process.cwd() + '/').cache;" +
  "process.on('exit', () => process.stdout.write(JSON.stringify({ event: 'test_sdk_modules', count:" +
  " Object.keys(cache).filter((path) => path.includes('@google-cloud/agones-sdk')).length }) + '\\n'));")}`;
const sdkModulesLoaded = async (server: RunningServer) => {
  await vi.waitFor(() => expect(server.logs.some((l) => l.event === "test_sdk_modules")).toBe(true), { timeout: 5_000, interval: 50 });
  return server.logs.find((l) => l.event === "test_sdk_modules")!.count as number;
};

/** The room's simulation advances (ten ticks) as seen by its client. */
async function expectTicking(room: Room): Promise<void> {
  const tickOf = () => (room.state as { tick?: number }).tick;
  await vi.waitFor(() => expect(tickOf()).toBeTypeOf("number"), { timeout: 5_000, interval: 20 });
  const start = tickOf()!;
  await vi.waitFor(() => expect(tickOf()).toBeGreaterThan(start + 10), { timeout: 5_000, interval: 50 });
}

const lifecycleCalls = (sidecar: FakeSidecar) => sidecar.calls.filter((c) => ["Ready", "Allocate", "Shutdown"].includes(c.method)).map((c) => c.method);
const countOf = (sidecar: FakeSidecar, method: string) => sidecar.calls.filter((c) => c.method === method).length;
const indexOf = (calls: SidecarCall[], match: (c: SidecarCall) => boolean, from = 0) => calls.findIndex((c, i) => i >= from && match(c));

describe("Agones (AGONES_SDK=1) against a fake SDK sidecar", () => {
  it("Ready once listening, Health streamed, Allocated while it holds players and Ready when empty, counts published, Shutdown after the drain", async () => {
    const port = await freePort();
    const hostPort = await startHostPort(port);
    const sidecar = await startFakeSidecar({
      address: "127.0.0.1", ports: [{ name: "game", port: hostPort.port }], counters: ["rooms", "players"],
      observe: async () => ({ isServing: await isServing(port) }),
    });
    const server = await startServer({
      AGONES_SDK: "1", AGONES_SDK_GRPC_PORT: String(sidecar.port), PORT: String(port),
      DRAIN_TIMEOUT_S: "2", MAX_ROOMS_PER_PROCESS: "10", MAX_CLIENTS_PER_PROCESS: "40",
    }, [REPORT_SDK_LOADED]);
    // The address is read before the app is built, Ready comes once the public port answers.
    await vi.waitFor(() => expect(lifecycleCalls(sidecar)).toEqual(["Ready"]), { timeout: 10_000, interval: 50 });
    const ready = sidecar.calls.find((c) => c.method === "Ready")!;
    // The fake looks at the public port the moment Ready arrives, and answers Ready once it has looked.
    await vi.waitFor(() => expect(ready.observed).toEqual({ isServing: true }), { timeout: 5_000, interval: 20 });
    expect(indexOf(sidecar.calls, (c) => c.method === "GetGameServer")).toBeLessThan(sidecar.calls.indexOf(ready));
    expect(server.logs.find((l) => l.event === "agones_address")).toMatchObject({ publicAddress: `127.0.0.1:${hostPort.port}` });
    // One stream, one ping on it every 2 s; the counters' capacities are the process's own limits.
    await vi.waitFor(() => expect(countOf(sidecar, "Health")).toBeGreaterThanOrEqual(2), { timeout: 8_000, interval: 100 });
    expect(sidecar.healthStreams()).toBe(1);
    await vi.waitFor(() => {
      expect(sidecar.counter("rooms")).toEqual({ count: 0, capacity: 10 });
      expect(sidecar.counter("players")).toEqual({ count: 0, capacity: 40 });
    }, { timeout: 5_000, interval: 50 });

    // A player: matchmaking on the public port, the room through the GameServer's address (the host port).
    const first = leaveWhenDone(await new Client(server.httpUrl).joinOrCreate("arena", { name: "first" }));
    expect(hostPort.connections()).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => {
      expect(sidecar.state()).toBe("Allocated");
      expect(sidecar.counter("players")?.count).toBe(1);
      expect(sidecar.counter("rooms")?.count).toBe(1);
    }, { timeout: 5_000, interval: 50 });
    // Kept from scale-down before the counts say anything.
    const allocate = indexOf(sidecar.calls, (c) => c.method === "Allocate");
    expect(allocate).toBeLessThan(indexOf(sidecar.calls, (c) => c.name === "players" && c.count === 1));

    const second = leaveWhenDone(await new Client(server.httpUrl).joinById(first.roomId, { name: "second" }));
    await vi.waitFor(() => expect(sidecar.counter("players")?.count).toBe(2), { timeout: 5_000, interval: 50 });
    expect(countOf(sidecar, "Allocate")).toBe(1);

    // Everyone leaves: the room ends, the GameServer goes back to Ready (scale-down may take it).
    await second.leave();
    await first.leave();
    await vi.waitFor(() => {
      expect(lifecycleCalls(sidecar)).toEqual(["Ready", "Allocate", "Ready"]);
      expect(sidecar.state()).toBe("Ready");
      expect(sidecar.counter("players")?.count).toBe(0);
      expect(sidecar.counter("rooms")?.count).toBe(0);
    }, { timeout: 5_000, interval: 50 });

    // A new player allocates it again; SIGTERM drains (the player gets 4001), then Shutdown, then exit 0.
    const third = leaveWhenDone(await new Client(server.httpUrl).joinOrCreate("arena", { name: "third" }));
    const thirdCodes: number[] = [];
    third.onLeave((code) => thirdCodes.push(code));
    await vi.waitFor(() => expect(lifecycleCalls(sidecar)).toEqual(["Ready", "Allocate", "Ready", "Allocate"]), { timeout: 5_000, interval: 50 });
    const result = await server.stop(20_000);
    expect(result).toEqual({ code: 0, signal: null });
    await vi.waitFor(() => expect(thirdCodes).toEqual([4001]), { timeout: 5_000, interval: 50 });
    expect(lifecycleCalls(sidecar)).toEqual(["Ready", "Allocate", "Ready", "Allocate", "Shutdown"]);
    const shutdown = sidecar.calls.find((c) => c.method === "Shutdown")!;
    // When Shutdown arrived the drain was over: the public port no longer answered.
    expect(shutdown.observed).toEqual({ isServing: false });
    const events = server.logs.map((l) => l.event);
    expect(events.indexOf("drain_finished")).toBeGreaterThan(events.indexOf("drain_started"));
    expect(events.indexOf("agones_shutdown")).toBeGreaterThan(events.indexOf("drain_finished"));
    expect(await sdkModulesLoaded(server)).toBeGreaterThan(0);
  }, 60_000);
  it("without a sidecar it still serves players, says so clearly, and exits 0 on SIGTERM", async () => {
    const absentPort = await freePort();
    // PUBLIC_ADDRESS unset: startup waits a bounded few seconds for the GameServer's address, then goes on.
    const server = await startServer({ AGONES_SDK: "1", AGONES_SDK_GRPC_PORT: String(absentPort), DRAIN_TIMEOUT_S: "1" });
    const unreachable = server.logs.find((l) => l.event === "agones_unreachable");
    expect(unreachable).toMatchObject({ level: 50, port: String(absentPort) });
    expect(String(unreachable?.msg)).toContain("still serving");
    expect(server.logs.find((l) => l.event === "agones_address_unknown")).toMatchObject({ level: 50 });
    const room = await new Client(server.httpUrl).joinOrCreate("arena", { name: "alone" });
    const codes: number[] = [];
    room.onLeave((code) => codes.push(code));
    await expectTicking(room);
    expect(await server.stop(15_000)).toEqual({ code: 0, signal: null });
    await vi.waitFor(() => expect(codes).toEqual([4001]), { timeout: 5_000, interval: 50 });
    expect(server.logs.find((l) => l.event === "agones_shutdown_skipped")).toMatchObject({ level: 40 });
  }, 40_000);

  it("survives the sidecar restarting: rooms keep ticking, and the new sidecar gets health, state and counts", async () => {
    const options = { address: "127.0.0.1", ports: [{ name: "game", port: 1 }], counters: ["rooms", "players"] };
    const first = await startFakeSidecar(options);
    // PUBLIC_ADDRESS set: it wins, the GameServer's address (port 1 here) is not even asked for.
    const port = await freePort();
    const server = await startServer({ AGONES_SDK: "1", AGONES_SDK_GRPC_PORT: String(first.port), PORT: String(port), PUBLIC_ADDRESS: `127.0.0.1:${port}` });
    await vi.waitFor(() => expect(lifecycleCalls(first)).toEqual(["Ready"]), { timeout: 10_000, interval: 50 });
    expect(countOf(first, "GetGameServer")).toBe(0);
    const room = leaveWhenDone(await new Client(server.httpUrl).joinOrCreate("arena", { name: "steady" }));
    await vi.waitFor(() => expect(first.state()).toBe("Allocated"), { timeout: 5_000, interval: 50 });

    await first.stop();
    await vi.waitFor(() => expect(server.logs.some((l) => l.event === "agones_lost")).toBe(true), { timeout: 5_000, interval: 50 });
    await expectTicking(room);

    // A new sidecar knows nothing: it is told everything again, on a new health stream.
    const second = await startFakeSidecar({ ...options, port: first.port });
    await vi.waitFor(() => {
      expect(lifecycleCalls(second)).toEqual(["Allocate"]);
      expect(second.counter("players")).toEqual({ count: 1, capacity: 5_000 });
      expect(countOf(second, "Health")).toBeGreaterThanOrEqual(1);
    }, { timeout: 15_000, interval: 100 });
    expect(second.healthStreams()).toBe(1);
    await room.leave();
    await vi.waitFor(() => expect(lifecycleCalls(second)).toEqual(["Allocate", "Ready"]), { timeout: 5_000, interval: 50 });
    expect(await server.stop(15_000)).toEqual({ code: 0, signal: null });
    expect(lifecycleCalls(second)).toEqual(["Allocate", "Ready", "Shutdown"]);
  }, 60_000);

  it("AGONES_SDK unset: the SDK is never loaded and the sidecar hears nothing", async () => {
    const sidecar = await startFakeSidecar({ address: "127.0.0.1", ports: [{ name: "game", port: 1 }], counters: ["rooms", "players"] });
    const server = await startServer({ AGONES_SDK_GRPC_PORT: String(sidecar.port) }, [REPORT_SDK_LOADED]);
    const room = await new Client(server.httpUrl).joinOrCreate("arena", { name: "plain" });
    await room.leave();
    expect(await server.stop(15_000)).toEqual({ code: 0, signal: null });
    expect(await sdkModulesLoaded(server)).toBe(0);
    expect(server.logs.filter((l) => String(l.event).startsWith("agones"))).toEqual([]);
    expect(sidecar.calls).toEqual([]);
  }, 30_000);
});
