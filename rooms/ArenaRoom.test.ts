import { ColyseusTestServer } from "@colyseus/testing/TestServer";
import type { Server } from "@colyseus/core";
import type { Room as ClientRoom } from "@colyseus/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "../loadtest/ports.ts";
import { buildApp } from "../src/app.ts";
import { CLOSE_CODES, ERROR_CODES } from "../src/closeCodes.ts";
import { loadConfig } from "../src/config.ts";
import { POSITION_SCALE } from "../src/sim/constants.ts";
import { stepPlayerMovement } from "../src/sim/movement.ts";
import type { World } from "../src/sim/world.ts";
import { captureLogs } from "../test/support/logCapture.ts";
import type { ArenaRoom } from "./ArenaRoom.ts";
import type { ArenaState } from "./schema/ArenaState.ts";

const config = loadConfig({ PORT: String(await freePort()), ADMIN_PORT: "0", HOST: "127.0.0.1", VIEW_RADIUS: "30", RECONNECT_GRACE_S: "1" });
const logs = captureLogs();
let server: Server;
let colyseus: ColyseusTestServer;
let readinessAround: { beforeListen: string; afterListen: string };

beforeAll(async () => {
  const app = buildApp(config, { logger: logs.logger });
  server = app.server;
  const beforeListen = app.readiness().status;
  await app.listen();
  readinessAround = { beforeListen, afterListen: app.readiness().status };
  colyseus = new ColyseusTestServer(server);
});
afterEach(async () => {
  await colyseus.cleanup();
});
afterAll(async () => {
  await colyseus.shutdown();
});

it("is not ready for matchmaking (GET /readyz) until it listens", () => {
  expect(readinessAround).toEqual({ beforeListen: "starting", afterListen: "ready" });
});

const worldOf = (room: ArenaRoom): World => room["world"];
type Client = ClientRoom<ArenaRoom, ArenaState>;

async function arenaWithClients(...names: string[]) {
  const room = await colyseus.createRoom<ArenaRoom>("arena", {});
  const clients: Client[] = [];
  for (const name of names) clients.push(await colyseus.connectTo(room, { name }));
  return { room, clients };
}

/** Puts a player somewhere on the map, as if it had walked there. */
function placePlayer(room: ArenaRoom, sessionId: string, x: number, y: number): void {
  const sim = worldOf(room).players.get(sessionId)!;
  sim.x = x;
  sim.y = y;
}

/** Kills the server side of a client's socket without a close frame, like a network drop (client sees 1006). */
function dropConnection(room: ArenaRoom, sessionId: string): void {
  (room.clients.getById(sessionId)!.ref as unknown as { terminate(): void }).terminate();
}

/** Sends a message whatever its payload type: for sending what the room must refuse. */
function sendUnchecked(client: Client, type: string, payload: unknown): void {
  (client as unknown as { send(type: string, payload: unknown): void }).send(type, payload);
}

describe("arena room", () => {
  it("a joining client sees its own player, with its name and its velocity", async () => {
    const { clients: [alice] } = await arenaWithClients("alice");
    const own = alice!.state.players.get(alice!.sessionId);
    expect(own?.name).toBe("alice");
    expect(own?.hp).toBe(100);
    expect(own!.x).toBeGreaterThan(0);
    // vx is an owner-only field: present (0) on the own player.
    expect(own?.vx).toBe(0);
  });

  it("each input moves the player by exactly one simulation step, on the next tick", async () => {
    const { room, clients: [alice] } = await arenaWithClients("alice");
    const sim = worldOf(room).players.get(alice!.sessionId)!;
    const expected = { x: sim.x, y: sim.y, vx: sim.vx, vy: sim.vy };
    const input = alice!.input();
    const inputCount = 3;
    for (let seq = 1; seq <= inputCount; seq++) {
      input.data.seq = seq;
      input.data.moveX = 1;
      input.send();
      stepPlayerMovement(expected, { moveX: 1, moveY: 0 }, 1 / config.tickHz, worldOf(room).levelIndex);
    }
    // At most two inputs are applied per tick, so three inputs need two ticks.
    await vi.waitFor(() => expect(room.inputs.get(alice!.sessionId).consumedCount).toBe(inputCount), { timeout: 2_000 });
    expect({ x: sim.x, y: sim.y, vx: sim.vx, vy: sim.vy }).toEqual(expected);

    // No further input: the player does not move on its own.
    await room.waitForNextTimestep();
    await room.waitForNextTimestep();
    expect(sim.x).toBe(expected.x);

    // The client receives exactly the simulated position.
    await vi.waitFor(() => expect(alice!.state.players.get(alice!.sessionId)?.x).toBe(expected.x * POSITION_SCALE), { timeout: 2_000 });
  });

  it("an entity beyond the view radius is absent from a client's state and appears once near", async () => {
    const { room, clients: [alice, bob] } = await arenaWithClients("alice", "bob");
    const [aliceId, bobId] = [alice!.sessionId, bob!.sessionId];
    placePlayer(room, aliceId, 20, 180);
    placePlayer(room, bobId, 180, 20);
    await vi.waitFor(() => {
      expect(alice!.state.players.has(bobId)).toBe(false);
      expect(bob!.state.players.has(aliceId)).toBe(false);
    }, { timeout: 2_000 });

    placePlayer(room, bobId, 40, 180); // 20 u away, inside the 30 u radius
    await vi.waitFor(() => expect(alice!.state.players.get(bobId)?.x).toBe(40 * POSITION_SCALE), { timeout: 2_000 });
    // Another client's velocity is owner-only and never sent.
    expect(alice!.state.players.get(bobId)?.vx).toBeUndefined();

    placePlayer(room, bobId, 180, 20);
    await vi.waitFor(() => expect(alice!.state.players.has(bobId)).toBe(false), { timeout: 2_000 });
  });

  it("keeps a dropped player's entity through a reconnection within the grace", async () => {
    const { room, clients: [alice] } = await arenaWithClients("alice");
    alice!.reconnection.minUptime = 0;
    const sessionId = alice!.sessionId;
    const reconnected = new Promise<void>((resolve) => alice!.onReconnect(() => resolve()));

    dropConnection(room, sessionId); // an abnormal close, as a network drop
    await vi.waitFor(() => expect(room.state.players.get(sessionId)?.isConnected).toBe(false), { timeout: 2_000 });
    await reconnected;
    await vi.waitFor(() => expect(room.state.players.get(sessionId)?.isConnected).toBe(true), { timeout: 2_000 });
    expect(alice!.sessionId).toBe(sessionId);
    expect(worldOf(room).players.has(sessionId)).toBe(true);
  });

  it("a reconnection token works once: another connection cannot reuse it", async () => {
    const { room, clients: [alice] } = await arenaWithClients("alice");
    alice!.reconnection.minUptime = 0;
    const usedToken = alice!.reconnectionToken;
    const reconnected = new Promise<void>((resolve) => alice!.onReconnect(() => resolve()));
    dropConnection(room, alice!.sessionId);
    await reconnected;
    expect(alice!.reconnectionToken).not.toBe(usedToken);
    await expect(colyseus.sdk.reconnect(usedToken)).rejects.toBeDefined();
    expect(room.clients.length).toBe(1);
  });

  it("removes a dropped player's entity when the grace expires", async () => {
    const { room, clients: [alice] } = await arenaWithClients("alice");
    alice!.reconnection.enabled = false;
    const sessionId = alice!.sessionId;
    dropConnection(room, sessionId);
    await vi.waitFor(() => expect(room.state.players.get(sessionId)?.isConnected).toBe(false), { timeout: 2_000 });
    // Still there mid-grace...
    expect(worldOf(room).players.has(sessionId)).toBe(true);
    // ...and gone after it (RECONNECT_GRACE_S=1).
    await vi.waitFor(() => expect(room.state.players.has(sessionId)).toBe(false), { timeout: 3_000 });
    expect(worldOf(room).players.has(sessionId)).toBe(false);
  });

  it("a message that fails validation closes only that client, with the documented code", async () => {
    const { room, clients: [alice, bob] } = await arenaWithClients("alice", "bob");
    const aliceLeft = new Promise<number>((resolve) => alice!.onLeave((code) => resolve(code)));
    sendUnchecked(alice!, "rename", { name: 12345 });
    expect(await aliceLeft).toBe(CLOSE_CODES.INVALID_MESSAGE);
    await vi.waitFor(() => expect(room.state.players.has(alice!.sessionId)).toBe(false), { timeout: 2_000 });

    // Bob keeps receiving patches and the room keeps ticking.
    const tickBefore = bob!.state.tick;
    for (let i = 0; i < 3; i++) await bob!.waitForNextPatch();
    expect(bob!.state.tick).toBeGreaterThan(tickBefore);
    expect(bob!.connection.isOpen).toBe(true);

    // A valid message still works for Bob.
    bob!.send("rename", { name: "robert" });
    await vi.waitFor(() => expect(bob!.state.players.get(bob!.sessionId)?.name).toBe("robert"), { timeout: 2_000 });
  });

  it("a throw in one room's tick is logged with its room id and leaves a second room ticking", async () => {
    const broken = await arenaWithClients("alice");
    const healthy = await arenaWithClients("bob");
    const aliceLeft = new Promise<number>((resolve) => broken.clients[0]!.onLeave((code) => resolve(code)));
    broken.room["step"] = () => { throw new Error("deliberate failure"); };

    const healthyTick = healthy.room.state.tick;
    await vi.waitFor(() => expect(healthy.room.state.tick).toBeGreaterThan(healthyTick + config.tickHz), { timeout: 3_000 });
    const failure = logs.lines.find((l) => l.event === "room_exception" && l.roomId === broken.room.roomId);
    expect(failure?.methodName).toBe("setFixedTimestep");
    expect(JSON.stringify(failure?.err)).toContain("deliberate failure");

    // After a second of failing ticks the broken room closes its clients with the documented code.
    expect(await aliceLeft).toBe(CLOSE_CODES.ROOM_FAILED);
    expect(healthy.clients[0]!.connection.isOpen).toBe(true);
  });

  it("refuses a join whose options are invalid, with the documented error code", async () => {
    await expect(colyseus.sdk.joinOrCreate("arena", { mode: "Not A Mode!" }))
      .rejects.toMatchObject({ code: ERROR_CODES.INVALID_JOIN_OPTIONS });
    await expect(colyseus.sdk.joinOrCreate("arena", { name: "x".repeat(40) }))
      .rejects.toMatchObject({ code: ERROR_CODES.INVALID_JOIN_OPTIONS });
  });

  it("matchmaking keeps modes apart and fills a room before opening another", async () => {
    const a = await colyseus.sdk.joinOrCreate("arena", { mode: "ffa" });
    const b = await colyseus.sdk.joinOrCreate("arena", { mode: "ffa" });
    const c = await colyseus.sdk.joinOrCreate("arena", { mode: "duel" });
    expect(b.roomId).toBe(a.roomId);
    expect(c.roomId).not.toBe(a.roomId);
  });

  it("a fired projectile reaches the shooter's state; a kill is told to killer and victim, and seen in the state by whoever sees the victim", async () => {
    const { room, clients: [alice, bob, carol] } = await arenaWithClients("alice", "bob", "carol");
    placePlayer(room, alice!.sessionId, 100, 60);
    placePlayer(room, bob!.sessionId, 112, 60);
    // Off the line of fire, within view of bob: a bystander.
    placePlayer(room, carol!.sessionId, 104, 80);
    const kill = bob!.waitForMessage("kill", 10_000);
    const killerHeard = alice!.waitForMessage("kill", 10_000);
    let bystanderMessages = 0;
    carol!.onMessage("kill", () => bystanderMessages++);
    const input = alice!.input();
    let seq = 0;
    const firing = setInterval(() => {
      input.data.seq = ++seq;
      input.data.aim = 0;
      input.data.fire = true;
      input.send();
    }, 1000 / config.tickHz);
    try {
      await vi.waitFor(() => expect(alice!.state.projectiles.size).toBeGreaterThan(0), { timeout: 2_000 });
      const projectile = [...alice!.state.projectiles.values()][0]!;
      expect(projectile.ownerId).toBe(alice!.sessionId);
      expect(await kill).toEqual({ killerId: alice!.sessionId, victimId: bob!.sessionId });
      expect(await killerHeard).toEqual({ killerId: alice!.sessionId, victimId: bob!.sessionId });
      await vi.waitFor(() => expect(alice!.state.players.get(alice!.sessionId)?.score).toBe(1), { timeout: 2_000 });
      // The bystander's patch carries the kill; a message to it would have arrived before that patch (one socket, in order).
      await vi.waitFor(() => {
        const victim = carol!.state.players.get(bob!.sessionId);
        expect(victim?.isAlive).toBe(false);
        expect(victim?.killedBy).toBe(alice!.sessionId);
      }, { timeout: 2_000 });
      expect(bystanderMessages).toBe(0);
    } finally {
      clearInterval(firing);
    }
  });
});

describe("lobby", () => {
  it("lists arenas in real time", async () => {
    const lobby = await colyseus.sdk.joinOrCreate("lobby");
    const listed = new Promise<string>((resolve) => lobby.onMessage("+", ([roomId]: [string]) => resolve(roomId)));
    const arena = await colyseus.sdk.joinOrCreate("arena", { mode: "ffa" });
    expect(await listed).toBe(arena.roomId);
  });
});
