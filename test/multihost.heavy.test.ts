import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLOSE_CODES } from "../src/closeCodes.ts";
import { ADMIN_PORT, startFleet, until, type Fleet, type GameHost, type LogLine } from "./support/netnsFleet.ts";
import { RemoteClient, RemoteError, type DriverEvent, type JoinedRoom } from "./support/remoteClient.ts";
import { requireTool } from "./support/requireTool.ts";

// Game servers on separate hosts (network namespaces on a private bridge)
// sharing one Redis host, behind the committed nginx config on its own host, played by SDK
// clients on client hosts that reach nothing but nginx. The scenarios run in order on one fleet.

// Short enough to keep the run quick, long enough that a loaded machine finishes each step well inside them.
const RECONNECT_GRACE_S = 8;
const DRAIN_TIMEOUT_S = 10;
const STALE_PROCESS_S = 6;
const REDIS_COMMAND_TIMEOUT_MS = 1_000;
/**
 * The server's dead-socket detection, @colyseus/ws-transport's defaults (src/app.ts sets neither):
 * a ping every 3 s, and at the tick after two unanswered pings the socket is terminated, so a
 * client whose link is cut is dropped 6 to 9 s later.
 */
const PING_INTERVAL_MS = 3_000;
const PING_MAX_RETRIES = 2;
const PING_DETECTION_MAX_MS = PING_INTERVAL_MS * (PING_MAX_RETRIES + 1);
const REDIS_OUTAGE_MS = 5_000;

function requireRoot(): boolean {
  if (process.getuid?.() === 0) return true;
  const reason = "network namespaces need root";
  if (process.env.CI === "true") throw new Error(`${reason}: CI runs every test, so it must run as root`);
  console.warn(`skipping the multi-host test: ${reason}`);
  return false;
}

// Every gate runs (so a missing tool is reported even when another one is missing too).
const gates = [
  requireTool("ip", "apt-get install -y iproute2"),
  requireTool("nginx"),
  requireTool("redis-server"),
  requireTool("redis-cli", "apt-get install -y redis-tools"),
  requireTool("curl"),
];
const canRun = gates.every((tool) => tool !== undefined) && requireRoot();

describe.skipIf(!canRun)("a fleet across hosts: Redis, four game servers, nginx and two client hosts, each in its own network namespace", () => {
  let fleet: Fleet;
  let players: RemoteClient;
  /** A second client host, whose cable is cut in the last scenario while the first plays on. */
  let roamer: RemoteClient;

  /** The room's state tick once it has one (the first patch arrived). */
  async function tickOf(client: RemoteClient, room: JoinedRoom): Promise<number> {
    return until(`a state in room ${room.roomId}`, 10_000, async () => (await client.state(room)).tick ?? undefined);
  }

  /** Resolves once `room`'s tick has moved `ticks` past where it is now: patches are arriving. */
  async function patchesArrive(client: RemoteClient, room: JoinedRoom, ticks = 10, deadlineMs = 10_000): Promise<void> {
    const before = await tickOf(client, room);
    await until(`patches in room ${room.roomId}`, deadlineMs, async () => ((await client.state(room)).tick! >= before + ticks ? true : undefined));
  }

  function eventOf<T extends DriverEvent["event"]>(kind: T, room: JoinedRoom, extra: (e: Extract<DriverEvent, { event: T }>) => boolean = () => true) {
    return (e: DriverEvent): e is Extract<DriverEvent, { event: T }> =>
      e.event === kind && "handle" in e && e.handle === room.handle && extra(e as Extract<DriverEvent, { event: T }>);
  }

  async function healthThroughProxy(host: GameHost): Promise<{ processId: string; rooms: number; clients: number; redis: string }> {
    const { status, body } = await players.http("GET", `/p${host.index}/healthz`);
    if (status !== 200) throw new Error(`/p${host.index}/healthz answered ${status}`);
    return body as { processId: string; rooms: number; clients: number; redis: string };
  }

  beforeAll(async () => {
    fleet = await startFleet({
      gameHosts: ["a", "b", "c", "d"],
      // Host d is wired up and routed from the start; its server joins in the fourth scenario.
      startedHosts: ["a", "b", "c"],
      clientHosts: ["players", "roamer"],
      serverEnv: {
        RECONNECT_GRACE_S: String(RECONNECT_GRACE_S),
        DRAIN_TIMEOUT_S: String(DRAIN_TIMEOUT_S),
        STALE_PROCESS_S: String(STALE_PROCESS_S),
        REDIS_COMMAND_TIMEOUT_MS: String(REDIS_COMMAND_TIMEOUT_MS),
      },
    });
    players = fleet.clients.get("players")!;
    roamer = fleet.clients.get("roamer")!;
  }, 90_000);

  // Kills every process started in the namespaces (servers, Redis, nginx and its workers, clients) and deletes them.
  afterAll(() => fleet?.destroy(), 60_000);

  /** One player per game host, kept for the later scenarios. */
  const onHost = new Map<string, JoinedRoom>();
  /** The roaming client host's player, in host a's room. */
  let roaming: JoinedRoom;

  it("places rooms on all three game hosts, each reached through its own route on the proxy", { timeout: 60_000 }, async () => {
    const extra: JoinedRoom[] = [];
    for (let i = 0; i < 9 && onHost.size < 3; i++) {
      const room = await players.join("create", { name: `p${i}` });
      const host = fleet.hostOfProcess(room.processId);
      if (onHost.has(host)) extra.push(room);
      else onHost.set(host, room);
    }
    expect([...onHost.keys()].sort()).toEqual(["a", "b", "c"]);
    for (const room of extra) await players.leave(room);

    for (const [name, room] of onHost) {
      const host = fleet.gameHost(name);
      // The reservation sends the client to its host's route on the proxy, and that route reaches that host.
      expect(room.publicAddress).toBe(`${fleet.proxyAddress}/p${host.index}`);
      const health = await healthThroughProxy(host);
      expect(health.processId).toBe(host.processId);
      expect(health.rooms).toBeGreaterThanOrEqual(1);
      expect(health.clients).toBeGreaterThanOrEqual(1);
      await patchesArrive(players, room);
    }

    // A player on the other client host joins host a's room by id: the same room, seen from both.
    roaming = await roamer.joinById(onHost.get("a")!.roomId, { name: "roamer" });
    expect(fleet.hostOfProcess(roaming.processId)).toBe("a");
    expect(roaming.roomId).toBe(onHost.get("a")!.roomId);
    await patchesArrive(roamer, roaming);
  });

  it("delivers a direct message from a player on host a to a friend on host b", { timeout: 30_000 }, async () => {
    const fromA = onHost.get("a")!;
    const onB = onHost.get("b")!;
    // The recipient's player id is its session id (anonymous play), as its own state shows it.
    const friendId = (await players.state(onB)).players[onB.sessionId];
    expect(friendId).toBe(onB.sessionId);

    const outcome = await players.dm(fromA, friendId!, "meet me on b");
    expect(outcome).toEqual({ delivered: true });
    const received = await players.waitForEvent(eventOf("message", onB, (e) => e.type === "dm"), 5_000, "the DM on host b");
    expect(received.payload).toMatchObject({ from: fromA.sessionId, text: "meet me on b" });
  });

  it("an announcement made on host a reaches the players of every host", { timeout: 30_000 }, async () => {
    // The admin listener is loopback-only: the operator is on host a itself.
    const sent = await fleet.net.exec("a", "curl", [
      "-sS", "--max-time", "5", "-X", "POST", "-H", "content-type: application/json",
      "-d", JSON.stringify({ text: "maintenance at noon" }), `http://127.0.0.1:${ADMIN_PORT}/admin/api/announce`,
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toEqual({ sent: true });

    const isAnnouncement = (room: JoinedRoom) => eventOf("message", room, (e) => e.type === "announcement" && (e.payload as { text?: string }).text === "maintenance at noon");
    await Promise.all([
      ...[...onHost.values()].map((room) => players.waitForEvent(isAnnouncement(room), 5_000, `the announcement in ${room.roomId}`)),
      roamer.waitForEvent(isAnnouncement(roaming), 5_000, "the announcement on the roaming client host"),
    ]);
  });

  it("a fourth host joins the fleet and receives new rooms", { timeout: 60_000 }, async () => {
    const d = await fleet.startGameHost("d");
    await until("host d's placement record", 10_000, async () => ((await fleet.redisCli("hexists", "gs:processes", d.processId)) === "1" ? true : undefined));

    // Placement picks the least loaded process: the empty newcomer, within a few creates.
    let onD: JoinedRoom | undefined;
    for (let i = 0; i < 3 && onD === undefined; i++) {
      const room = await players.join("create", { name: `d${i}` });
      if (fleet.hostOfProcess(room.processId) === "d") onD = room;
      else await players.leave(room);
    }
    expect(onD, "none of 3 new rooms landed on the new host").toBeDefined();
    onHost.set("d", onD!);
    expect(onD!.publicAddress).toBe(`${fleet.proxyAddress}/p4`);
    await patchesArrive(players, onD!);
    expect((await healthThroughProxy(d)).rooms).toBeGreaterThanOrEqual(1);
  });

  it("host b drains on SIGTERM: nothing new lands there, a player who finishes leaves normally, the last one gets 4001", { timeout: 60_000 }, async () => {
    const b = fleet.gameHost("b");
    const staying = onHost.get("b")!;
    const finishing = await players.joinById(staying.roomId, { name: "finisher" });
    expect(fleet.hostOfProcess(finishing.processId)).toBe("b");

    b.child.kill("SIGTERM");
    await fleet.waitForLog(b, (line) => line.event === "drain_started", 10_000, "drain_started");
    const ready = await players.http("GET", `/p${b.index}/readyz`);
    expect(ready).toMatchObject({ status: 503, body: { status: "draining" } });

    // A player who finishes their game during the drain leaves the normal way.
    expect((await players.leave(finishing)).code).toBe(CLOSE_CODES.CONSENTED);

    // Nothing new lands on b: neither new rooms nor a player asking for b's room by id.
    const created: JoinedRoom[] = [];
    for (let i = 0; i < 4; i++) created.push(await players.join("create", { name: `n${i}` }));
    expect(created.map((room) => fleet.hostOfProcess(room.processId))).not.toContain("b");
    const refused = await players.joinById(staying.roomId, { name: "late" }).then(() => undefined, (error: RemoteError) => error);
    expect(refused, "joined a room on the draining host").toBeInstanceOf(RemoteError);
    for (const room of created) await players.leave(room);

    // The player who stays is closed with SERVER_SHUTDOWN at DRAIN_TIMEOUT_S, and b exits cleanly.
    const left = await players.waitForEvent(eventOf("leave", staying), (DRAIN_TIMEOUT_S + 15) * 1000, "the staying player's close");
    expect(left.code).toBe(CLOSE_CODES.SERVER_SHUTDOWN);
    const [code, signal] = await b.exited;
    fleet.hosts.delete("b");
    onHost.delete("b");
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(b.logs.find((line) => line.event === "drain_finished")).toMatchObject({ roomsClosed: 1 });
    // It took its placement record and room count with it: nothing for the others to sweep.
    expect(await fleet.redisCli("hexists", "gs:processes", b.processId)).toBe("0");
    expect(await fleet.redisCli("hexists", "gs:placed-rooms", b.processId)).toBe("0");
  });

  it("host c is SIGKILLed: within STALE_PROCESS_S new joins succeed on the hosts left", { timeout: 60_000 }, async () => {
    const c = fleet.gameHost("c");
    const killedAt = Date.now();
    c.child.kill("SIGKILL");
    await c.exited;
    fleet.hosts.delete("c");

    // Joins from the kill on, each bounded by what is left of STALE_PROCESS_S: one must succeed, elsewhere.
    const deadline = killedAt + STALE_PROCESS_S * 1000;
    const attempts: string[] = [];
    let first: JoinedRoom | undefined;
    while (first === undefined) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no join succeeded within STALE_PROCESS_S (${STALE_PROCESS_S} s) of the kill: ${attempts.join("; ")}`);
      first = await players.join("create", { name: "after-kill" }, remaining).catch((error: Error) => {
        attempts.push(error.message);
        return undefined;
      });
    }
    expect(fleet.hostOfProcess(first.processId), attempts.join("; ")).not.toBe("c");
    await players.leave(first);

    // The dead process's record goes (the sweep health-checks it), then placement never picks it.
    await until("c's record removed", (STALE_PROCESS_S + 5) * 1000, async () => ((await fleet.redisCli("hexists", "gs:processes", c.processId)) === "0" ? true : undefined));
    for (let i = 0; i < 4; i++) {
      const room = await players.join("create", { name: `k${i}` });
      expect(["a", "d"]).toContain(fleet.hostOfProcess(room.processId));
      await players.leave(room);
    }
    // c's player lost its connection without a close frame: the SDK saw a drop, not a leave.
    await players.waitForEvent(eventOf("drop", onHost.get("c")!), 10_000, "c's player's drop");
    onHost.delete("c");
  });

  it("the Redis host's link is cut for 5 s: rooms keep ticking, matchmaking answers 503 within the command timeout, then recovers", { timeout: 60_000 }, async () => {
    const survivors = [...onHost.values()];
    for (const room of survivors) await tickOf(players, room);

    // Nothing closes the Redis sockets: only a command timeout or the watchdog's PING can notice.
    // Every join while the link is cut must be refused with 503, each within its own bound (never a hang).
    const refusedJoin = async () => {
      const outcome = await players.join("create", { name: "during-outage" }, REDIS_COMMAND_TIMEOUT_MS + 5_000).then((room) => room, (error: Error) => error);
      expect(outcome, "a join succeeded with Redis unreachable").toBeInstanceOf(RemoteError);
      expect((outcome as RemoteError).code, (outcome as RemoteError).message).toBe(503);
      expect((outcome as RemoteError).message).toMatch(/redis/i);
    };
    await fleet.net.setLink("redis", false);
    const cutAt = Date.now();
    try {
      await refusedJoin();
      // The watchdog's PING marks each process not ready too, within its timeout.
      for (const host of fleet.hosts.values()) {
        await until(`host ${host.name} to report Redis down`, REDIS_COMMAND_TIMEOUT_MS * 2 + 5_000, async () => {
          const { status, body } = await players.http("GET", `/p${host.index}/readyz`);
          return status === 503 && (body as { status?: string }).status === "redis_down" ? true : undefined;
        });
      }
      // The rooms run on their own: patches keep reaching their players while Redis is unreachable.
      for (const room of survivors) await patchesArrive(players, room, 30);
      // The rest of the outage (REDIS_OUTAGE_MS in all, the scenario's input) keeps refusing.
      do {
        await refusedJoin();
        await new Promise((resolve) => setTimeout(resolve, 200));
      } while (Date.now() < cutAt + REDIS_OUTAGE_MS);
    } finally {
      await fleet.net.setLink("redis", true);
    }

    const room = await until("a join after Redis is reachable again", 20_000, async () =>
      players.join("create", { name: "after-outage" }, 5_000), 200);
    await players.leave(room);
    for (const host of fleet.hosts.values()) {
      await until(`host ${host.name} ready again`, 10_000, async () => ((await players.http("GET", `/p${host.index}/readyz`)).status === 200 ? true : undefined));
    }
    for (const room of survivors) await patchesArrive(players, room);
    // Every Redis call that timed out was answered where it was made: none escaped as an unhandled rejection.
    for (const host of fleet.hosts.values()) {
      expect(host.logs.filter((line) => line.event === "unhandled_rejection"), `host ${host.name}`).toEqual([]);
    }
  });

  it("a client host cut off past ping detection but within the grace keeps its seat; cut off past the grace it gets 4003 and joins again", { timeout: 120_000 }, async () => {
    const a = fleet.gameHost("a");
    const isAbout = (event: string) => (line: LogLine) => line.event === event && line.sessionId === roaming.sessionId;

    // Short outage: until host a's ping check has dropped the player, then the cable is back.
    let from = a.logs.length;
    await fleet.net.setLink("roamer", false);
    try {
      await fleet.waitForLog(a, isAbout("player_dropped"), PING_DETECTION_MAX_MS + 10_000, "the roaming player's drop", from);
      // The other client host plays on meanwhile.
      await patchesArrive(players, onHost.get("a")!);
    } finally {
      await fleet.net.setLink("roamer", true);
    }
    // The client notices its dead socket when it next sends: one ping on the idle socket meets
    // nginx's reset at once. Without it the client waits for nginx to retransmit its close (TCP
    // backoff: 4.7 s and 12.2 s after the link came back in two runs here), a margin against
    // RECONNECT_GRACE_S that would depend on timing. The SDK reconnects only rooms joined at least
    // 5 s ago (reconnection.minUptime): this one joined in the first scenario.
    void roamer.ping(roaming).catch(() => undefined);
    const reconnected = await roamer.waitForEvent(eventOf("reconnect", roaming), RECONNECT_GRACE_S * 1000, "the SDK's reconnection");
    expect(reconnected.sessionId).toBe(roaming.sessionId);
    await fleet.waitForLog(a, isAbout("player_reconnected"), 5_000, "the reconnection", from);
    expect(roamer.events.some(eventOf("leave", roaming))).toBe(false);
    expect(a.logs.slice(from).some(isAbout("player_left")), "the server gave up the seat").toBe(false);
    // Same seat, same entity: its player is still in the state, and patches flow again.
    expect((await roamer.state(roaming)).players).toHaveProperty(roaming.sessionId);
    await patchesArrive(roamer, roaming);

    // Long outage: past the drop and the whole grace, the seat is gone when the cable comes back.
    from = a.logs.length;
    await fleet.net.setLink("roamer", false);
    try {
      await fleet.waitForLog(a, isAbout("player_dropped"), PING_DETECTION_MAX_MS + 10_000, "the second drop", from);
      await fleet.waitForLog(a, isAbout("player_left"), (RECONNECT_GRACE_S + 10) * 1000, "the seat's expiry", from);
    } finally {
      await fleet.net.setLink("roamer", true);
    }
    void roamer.ping(roaming).catch(() => undefined);
    const left = await roamer.waitForEvent(eventOf("leave", roaming), 30_000, "the failed reconnection's close");
    expect(left.code).toBe(CLOSE_CODES.FAILED_TO_RECONNECT);
    const again = await roamer.join("joinOrCreate", { name: "roamer" });
    await patchesArrive(roamer, again);
    // Host a's monitoring sampled the reconnected socket every second since: without a failure
    // (a new socket's byte count used to read as a negative rate, which Prometheus refuses).
    expect(a.logs.filter((line) => line.event === "monitor_sample_failed")).toEqual([]);
  });
});
