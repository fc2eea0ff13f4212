import { Client, type Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";
import { consecutiveFreePorts } from "../loadtest/ports.ts";
import { leaveWhenDone, waitForProcessRecords, type SeatReservation } from "./support/cluster.ts";
import { startNginx } from "./support/nginx.ts";
import { startPrivateRedis } from "./support/redisServer.ts";
import { requireTool } from "./support/requireTool.ts";
import { startScript } from "./support/scriptProcess.ts";
import { stopWhenDone } from "./support/teardown.ts";
import { tempDir } from "./support/tempDir.ts";

// The committed ecosystem file, run by the pm2 devDependency, behind the committed nginx config: the
// PM2 layout of docs/deploy.md on one machine. PM2 keeps its daemon, sockets and logs in PM2_HOME, a
// temp dir here, so a developer's own PM2 daemon is never touched.

const REPO = fileURLToPath(new URL("..", import.meta.url));
const ECOSYSTEM = join(REPO, "ecosystem.config.cjs");
const PM2_CLI = join(REPO, "node_modules/pm2/bin/pm2");
const INSTANCES = 2;
const DRAIN_TIMEOUT_S = 3;

const hasNginx = requireTool("nginx") !== undefined;

interface Pm2Process {
  pid: number;
  pm_id: number;
  pm2_env: { status: string; NODE_APP_INSTANCE?: number | string; node_version?: string; exit_code?: number };
}

interface ProcessRecord {
  processId: string;
  address: string;
}

/** One isolated PM2: its CLI run with PM2_HOME pointing at a temp dir. */
interface Pm2 {
  home: string;
  /** `output` is its stdout and stderr, for messages. */
  run(args: string[], deadlineMs?: number): Promise<{ code: number | null; stdout: string; output: string }>;
  list(): Promise<Pm2Process[]>;
}

/** An isolated PM2 whose daemon and apps are stopped, and its PM2_HOME removed, when the test ends. */
async function isolatedPm2(env: Record<string, string>): Promise<Pm2> {
  // Registered first, so removed last: after the daemon below is gone.
  const home = await tempDir("pm2-home-");
  const pm2Env = {
    // The `node` PM2 finds on PATH runs the apps (the ecosystem's interpreter): Node 24, as on a production host.
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    PM2_HOME: home,
    FORCE_COLOR: "0",
    ...env,
  };
  const pm2: Pm2 = {
    home,
    async run(args, deadlineMs = 30_000) {
      const { code, stdout, stderr } = await startScript(PM2_CLI, args, { cwd: REPO, env: pm2Env, deadlineMs }).exited;
      return { code, stdout, output: stdout + stderr };
    },
    async list() {
      const { code, stdout, output } = await pm2.run(["jlist"]);
      if (code !== 0) throw new Error(`pm2 jlist failed (${code}): ${output}`);
      return JSON.parse(stdout.slice(stdout.indexOf("["))) as Pm2Process[];
    },
  };
  stopWhenDone(async () => {
    // Whatever is left: `pm2 kill` stops the apps (each drains, bounded by kill_timeout) and the daemon;
    // anything of this PM2 surviving even that is SIGKILLed before PM2_HOME goes.
    // (Only while the daemon lives: any other pm2 command would start a new one.)
    const daemonPid = Number(await readFile(join(home, "pm2.pid"), "utf8").catch(() => "0"));
    const isDaemonUp = daemonPid > 0 && (await isOfThisPm2(daemonPid, home));
    const appPids = isDaemonUp ? (await pm2.list().catch(() => [])).map((p) => p.pid).filter((pid) => pid > 0) : [];
    if (isDaemonUp) await pm2.run(["kill"], 60_000);
    for (const pid of [...appPids, daemonPid]) {
      if (pid > 0 && (await isOfThisPm2(pid, home))) process.kill(pid, "SIGKILL");
    }
  });
  return pm2;
}

/** Whether `pid` is alive and was started under this PM2_HOME (the daemon and its apps inherit it), not a reused pid. */
async function isOfThisPm2(pid: number, home: string): Promise<boolean> {
  const environ = await readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
  return environ.split("\0").includes(`PM2_HOME=${home}`);
}

async function processRecords(redisUrl: string): Promise<(ProcessRecord & { rooms: number })[]> {
  const client = new Redis(redisUrl);
  try {
    return Object.values(await client.hgetall("gs:processes")).map((json) => JSON.parse(json) as ProcessRecord & { rooms: number });
  } finally {
    client.disconnect();
  }
}

async function healthAt(url: string): Promise<{ processId: string; pid: number }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as { processId: string; pid: number };
}

describe.skipIf(!hasNginx)("PM2: ecosystem.config.cjs behind the committed nginx config", { timeout: 120_000 }, () => {
  it("runs one process per instance with its own ports and /pN/ address; players play on both; `pm2 stop` drains each to exit 0", async () => {
    const redis = await startPrivateRedis();
    // PM2 instance i listens on PORT + i and ADMIN_PORT + i.
    const port = await consecutiveFreePorts(INSTANCES);
    const adminPort = await consecutiveFreePorts(INSTANCES);
    const nginx = await startNginx({ upstreamPorts: Array.from({ length: INSTANCES }, (_, i) => port + i) });

    // The documented pattern, with this test's nginx as the public host.
    const publicAddressOf = (instance: number) => `127.0.0.1:${nginx.port}/p${instance + 1}`;
    const pm2 = await isolatedPm2({
      GAME_INSTANCES: String(INSTANCES),
      PORT: String(port),
      ADMIN_PORT: String(adminPort),
      HOST: "127.0.0.1",
      TRUSTED_PROXIES: "127.0.0.1",
      PUBLIC_ADDRESS: `127.0.0.1:${nginx.port}/p{index}`,
      REDIS_URL: redis.url,
      DRAIN_TIMEOUT_S: String(DRAIN_TIMEOUT_S),
      NODE_ENV: "production",
    });
    const started = await pm2.run(["start", ECOSYSTEM]);
    expect(started.code, started.output).toBe(0);

    // Instance i: PM2's NODE_APP_INSTANCE i, Node 24, listening on PORT + i and ADMIN_PORT + i.
    const listed = await pm2.list();
    expect(listed.map((p) => Number(p.pm2_env.NODE_APP_INSTANCE)).sort()).toEqual([0, 1]);
    const pidOf = (instance: number) => listed.find((p) => Number(p.pm2_env.NODE_APP_INSTANCE) === instance)!.pid;
    const processIdOf: string[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      // Ready: start-up has ended, the admin listener included (/healthz answers as soon as the game port listens).
      await vi.waitFor(async () => expect((await fetch(`http://127.0.0.1:${port + i}/readyz`)).status).toBe(200), { timeout: 20_000, interval: 100 });
      const health = await healthAt(`http://127.0.0.1:${port + i}/healthz`);
      expect(health.pid).toBe(pidOf(i));
      processIdOf.push(health.processId);
      expect((await fetch(`http://127.0.0.1:${adminPort + i}/metrics`)).status).toBe(200);
      // nginx's /pN/ reaches instance N - 1.
      expect((await healthAt(`${nginx.url}/p${i + 1}/healthz`)).processId).toBe(health.processId);
    }
    expect(new Set(processIdOf).size).toBe(INSTANCES);
    // Each app reports its Node version to PM2 once running: the `node` PM2 ran is Node 24.
    await vi.waitFor(async () => {
      for (const p of await pm2.list()) expect(p.pm2_env.node_version).toMatch(/^24\./);
    }, { timeout: 10_000, interval: 250 });
    await waitForProcessRecords(redis.url, INSTANCES);
    const records = await processRecords(redis.url);
    for (let i = 0; i < INSTANCES; i++) {
      expect(records.find((r) => r.processId === processIdOf[i])?.address).toBe(publicAddressOf(i));
    }

    // Players matchmake through nginx only; new rooms go to the emptier process, so rooms land on both.
    const rooms: Room[] = [];
    const roomsPerInstance = Array.from({ length: INSTANCES }, () => 0);
    for (let n = 0; n < 8 && roomsPerInstance.some((c) => c === 0); n++) {
      const response = await fetch(`${nginx.url}/matchmake/create/arena`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ mode: `pm2-${n}` }),
      });
      const reservation = (await response.json()) as SeatReservation;
      expect(response.status, JSON.stringify(reservation)).toBe(200);
      const instance = processIdOf.indexOf(reservation.processId);
      expect(instance).toBeGreaterThanOrEqual(0);
      // The reservation sends the client to the owning process's own route on the proxy.
      expect(reservation.publicAddress).toBe(publicAddressOf(instance));
      const room = leaveWhenDone(await new Client(nginx.url).consumeSeatReservation(reservation as never));
      rooms.push(room);
      roomsPerInstance[instance]!++;
      // Wait until placement sees this room, so the next one is placed knowing it.
      await vi.waitFor(async () => {
        const own = (await processRecords(redis.url)).find((r) => r.processId === reservation.processId);
        expect(own?.rooms).toBe(roomsPerInstance[instance]);
      }, { timeout: 5_000, interval: 100 });
    }
    expect(roomsPerInstance.every((c) => c > 0)).toBe(true);
    // Playing: every room streams state patches to its player.
    await vi.waitFor(() => rooms.forEach((room) => expect((room.state as { tick?: number }).tick).toBeGreaterThan(0)), { timeout: 5_000 });
    const ticksBefore = rooms.map((room) => (room.state as { tick: number }).tick);
    await vi.waitFor(() => rooms.forEach((room, i) => expect((room.state as { tick: number }).tick).toBeGreaterThan(ticksBefore[i]!)), { timeout: 5_000 });

    // `pm2 stop` signals every instance; each drains with its players still in: 4001 at the timeout.
    const closeCodes = rooms.map((room) => new Promise<number>((resolve) => room.onLeave((code) => resolve(code))));
    const stopped = await pm2.run(["stop", "gameserver"], 60_000);
    expect(stopped.code, stopped.output).toBe(0);
    expect(await Promise.all(closeCodes)).toEqual(rooms.map(() => 4001));
    for (const p of await pm2.list()) expect(p.pm2_env).toMatchObject({ status: "stopped", exit_code: 0 });

    // The merged log file: JSON lines only (no PM2 prefixes), each instance drained its rooms and finished.
    const out = (await readFile(join(pm2.home, "logs/gameserver-out.log"), "utf8")).split("\n").filter((l) => l !== "");
    const lines = out.map((line) => JSON.parse(line) as { pid: number; event?: string; signal?: string; roomsClosed?: number });
    for (let i = 0; i < INSTANCES; i++) {
      const own = lines.filter((l) => l.pid === pidOf(i));
      expect(own.find((l) => l.event === "shutdown")).toMatchObject({ signal: "SIGINT" });
      expect(own.some((l) => l.event === "drain_started")).toBe(true);
      expect(own.find((l) => l.event === "drain_finished")).toMatchObject({ roomsClosed: roomsPerInstance[i] });
    }
    expect(await readFile(join(pm2.home, "logs/gameserver-error.log"), "utf8")).toBe("");
    // PM2 saw clean exits and never had to SIGKILL (kill_timeout leaves the drain its time).
    const daemonLog = await readFile(join(pm2.home, "pm2.log"), "utf8");
    expect(daemonLog.match(/App \[gameserver:\d+\] exited with code \[0\]/g)).toHaveLength(INSTANCES);
    expect(daemonLog).not.toMatch(/still alive after|sending SIGKILL/);

    expect((await pm2.run(["delete", "gameserver"])).code).toBe(0);
    const killed = await pm2.run(["kill"]);
    expect(killed.code, killed.output).toBe(0);
  });
});
