import type { Room } from "@colyseus/sdk";
import { describe, expect, it, vi } from "vitest";
import { signJoinToken } from "../rooms/joinToken.ts";
import { CLOSE_CODES } from "../src/closeCodes.ts";
import { healthOf, joinThrough, startCluster } from "./support/cluster.ts";
import { connectRaw } from "./support/rawClient.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { startServer, type RunningServer } from "./support/serverProcess.ts";
import { shared } from "./support/teardown.ts";

// Identities signed with JOIN_SECRET hold across a cluster: one session per player id,
// direct messages delivered only to a connected client, names that cannot be changed.
const SECRET = "identity-test-secret-0123456789-abcdefgh";
const servers = shared(async () => startCluster(2, (await startPrivateRedis()).url, { JOIN_SECRET: SECRET }));

type WirePlayer = { name: string; playerId: string };
const playersOf = (room: Room) => [...(room.state as { players: Map<string, WirePlayer> }).players.values()];
const tokenFor = (playerId: string, name: string) => signJoinToken(SECRET, { playerId, name }, 60);

/** Joins through `server` as the signed player, into `mode`'s room (wherever matchmaking puts it); left when the test ends. */
async function joinAs(server: RunningServer, playerId: string, name: string, mode: string) {
  return joinThrough(server, { mode, token: await tokenFor(playerId, name) });
}

/** The cluster's server that runs process `processId`. */
async function serverRunning(processId: string): Promise<RunningServer> {
  const processIds = await Promise.all(servers().map(async (s) => (await healthOf(s)).processId));
  return servers()[processIds.indexOf(processId)]!;
}

/** Waits for a log line with these fields (rooms are not all in view in the state: interest management). */
async function logged(server: RunningServer, fields: Record<string, unknown>): Promise<void> {
  await vi.waitFor(() => expect(server.logs).toContainEqual(expect.objectContaining(fields)), { timeout: 3_000 });
}

/** `promise`, or a rejection naming `what` after `ms`: a missing event fails fast, with its name. */
function within<T>(promise: Promise<T>, what: string, ms = 3_000): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms))]);
}

/** A mode whose room runs on another process than `processId` (kept open by a filler player). */
async function modeAwayFrom(processId: string, prefix: string): Promise<string> {
  for (let i = 0; i < 8; i++) {
    const filler = await joinAs(servers()[0]!, `${prefix}-filler${i}`, `Filler${i}`, `${prefix}${i}`);
    if (filler.reservation.processId !== processId) return `${prefix}${i}`;
  }
  throw new Error("every room landed on one process");
}

const closeCodeOf = (room: Room) => within(new Promise<number>((resolve) => room.onLeave((code) => resolve(code))), "close");
const nextDm = (room: Room) => within(new Promise<{ from: string; fromName: string; text: string }>((resolve) => room.onMessage("dm", resolve)), "dm");

describe("signed identities across a cluster (JOIN_SECRET and Redis)", () => {
  it("a second session with the same token on another process closes the first with 4104; the second keeps it and gets the DMs", async () => {
    const first = await joinAs(servers()[0]!, "ada", "Ada", "r1");
    const sender = (await joinAs(servers()[0]!, "bob", "Bob", "r1")).room;
    const otherMode = await modeAwayFrom(first.reservation.processId, "r1-other");
    const firstClosed = closeCodeOf(first.room);

    const second = await joinAs(servers()[0]!, "ada", "Ada", otherMode);
    expect(second.reservation.processId).not.toBe(first.reservation.processId);
    expect(await firstClosed).toBe(CLOSE_CODES.SESSION_REPLACED);
    // No seat held for it: it leaves its room at once, not after RECONNECT_GRACE_S (10 s).
    const firstServer = await serverRunning(first.reservation.processId);
    await logged(firstServer, { event: "player_left", sessionId: first.room.sessionId, code: CLOSE_CODES.SESSION_REPLACED });

    const received = nextDm(second.room);
    await expect(sender.request("dm", { to: "ada", text: "still there?" })).resolves.toEqual({ delivered: true });
    expect(await received).toEqual({ from: "bob", fromName: "Bob", text: "still there?" });
    expect(second.room.connection.isOpen).toBe(true);
  });

  it("in one room too: the older session is closed and, once it has left, DMs reach the newer one", async () => {
    const { room: first, reservation } = await joinAs(servers()[1]!, "grace", "Grace", "r2");
    const firstClosed = closeCodeOf(first);
    const second = (await joinAs(servers()[1]!, "grace", "Grace", "r2")).room;
    expect(second.roomId).toBe(first.roomId);
    expect(await firstClosed).toBe(CLOSE_CODES.SESSION_REPLACED);
    await logged(await serverRunning(reservation.processId), { event: "player_left", sessionId: first.sessionId });

    const sender = (await joinAs(servers()[0]!, "linus", "Linus", "r2-sender")).room;
    for (const text of ["one", "two"]) {
      const received = nextDm(second);
      await expect(sender.request("dm", { to: "grace", text })).resolves.toEqual({ delivered: true });
      expect(await received).toMatchObject({ from: "linus", text });
    }
  });

  it("two sessions of one player joining at once on two processes: exactly one survives, and it gets the DMs", async () => {
    const here = await joinAs(servers()[0]!, "judge", "Judge", "r5");
    const there = await modeAwayFrom(here.reservation.processId, "r5-other");
    for (let round = 0; round < 5; round++) {
      const playerId = `twin${round}`;
      const pair = await Promise.all([joinAs(servers()[0]!, playerId, "Twin", "r5"), joinAs(servers()[1]!, playerId, "Twin", there)]);
      const firstClose = Promise.race(pair.map(({ room }) => new Promise<number>((resolve) => room.onLeave((code) => resolve(code)))));
      const replacedCode = await within(firstClose, "replacement");
      expect(replacedCode).toBe(CLOSE_CODES.SESSION_REPLACED);
      const survivor = pair.find((joined) => joined.room.connection.isOpen);
      expect(survivor, `round ${round}: both sessions were closed`).toBeDefined();

      const received = nextDm(survivor!.room);
      await expect(here.room.request("dm", { to: playerId, text: `round ${round}` })).resolves.toEqual({ delivered: true });
      expect(await received).toMatchObject({ from: "judge", text: `round ${round}` });
      expect(survivor!.room.connection.isOpen, `round ${round}: the survivor was closed too`).toBe(true);
      expect(pair.filter((joined) => joined.room.connection.isOpen)).toHaveLength(1);
    }
  });

  it("a DM to a player who dropped (seat held for a reconnection) is not delivered: 'not online'", async () => {
    const { room: sender, reservation } = await joinAs(servers()[0]!, "carol", "Carol", "r3");
    // A raw client connects to the server it matchmakes through: use the one that owns the room.
    const owner = await serverRunning(reservation.processId);
    const dropped = await connectRaw(owner, { mode: "r3", token: await tokenFor("dave", "Dave") });
    expect(dropped.reservation.roomId).toBe(sender.roomId);

    dropped.ws.terminate();
    // Still in the room (seat held for RECONNECT_GRACE_S, 10 s), but not connected.
    await logged(owner, { event: "player_dropped", sessionId: dropped.reservation.sessionId });
    await expect(sender.request("dm", { to: "dave", text: "are you there?" })).rejects.toMatchObject({ name: "rejected", reason: "not online" });

    // A new session of that player gives the held seat up at once, not when the grace runs out.
    await joinAs(servers()[0]!, "dave", "Dave", "r3-back");
    await logged(owner, { event: "player_left", sessionId: dropped.reservation.sessionId });
  });

  it("with a token, rename is refused with a reply; the state and DMs keep the signed name", async () => {
    const mallory = (await joinAs(servers()[0]!, "mallory", "Mallory", "r4")).room;
    const victim = (await joinAs(servers()[1]!, "erin", "Erin", "r4-victim")).room;
    const refused = within(new Promise((resolve) => mallory.onMessage("renameRefused", resolve)), "renameRefused");
    mallory.send("rename", { name: "Erin" });
    expect(await refused).toEqual({ reason: "the name comes from the join token" });
    // A patch after the refusal still shows the signed name, and the client was not closed.
    const tick = (mallory.state as { tick: number }).tick;
    await vi.waitFor(() => expect((mallory.state as { tick: number }).tick).toBeGreaterThan(tick + 2), { timeout: 3_000 });
    expect(playersOf(mallory).find((p) => p.playerId === "mallory")?.name).toBe("Mallory");
    expect(mallory.connection.isOpen).toBe(true);

    const received = nextDm(victim);
    await expect(mallory.request("dm", { to: "erin", text: "it's me, Erin" })).resolves.toEqual({ delivered: true });
    expect(await received).toEqual({ from: "mallory", fromName: "Mallory", text: "it's me, Erin" });
  });
});

describe("one process, no Redis (embedded presence)", () => {
  it("a second session with the same token in another room closes the first with 4104", async () => {
    const embedded = await startServer({ JOIN_SECRET: SECRET });
    const first = await joinAs(embedded, "solo", "Solo", "e1");
    const firstClosed = closeCodeOf(first.room);
    const second = await joinAs(embedded, "solo", "Solo", "e2");
    expect(second.room.roomId).not.toBe(first.room.roomId);
    expect(await firstClosed).toBe(CLOSE_CODES.SESSION_REPLACED);

    const sender = (await joinAs(embedded, "pal", "Pal", "e1")).room;
    const received = nextDm(second.room);
    await expect(sender.request("dm", { to: "solo", text: "hi" })).resolves.toEqual({ delivered: true });
    expect(await received).toMatchObject({ from: "pal", fromName: "Pal", text: "hi" });
  });
});
