import { Client, type Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { freePort } from "../../loadtest/ports.ts";
import { startServer, type RunningServer } from "./serverProcess.ts";
import { stopWhenDone } from "./teardown.ts";

export interface SeatReservation {
  name: string;
  roomId: string;
  processId: string;
  sessionId: string;
  publicAddress?: string;
}

/**
 * Starts `count` server processes sharing `redisUrl`, each advertising its own
 * address, side by side (one after another, a loaded machine can spend a
 * test's whole timeout starting them), and resolves once every one has
 * published its placement record, so the first placement already sees them all.
 * Stopped when its owner is done (see stopWhenDone).
 */
export async function startCluster(count: number, redisUrl: string, env: Record<string, string> = {}): Promise<RunningServer[]> {
  const ports: number[] = [];
  for (let i = 0; i < count * 2; i++) ports.push(await freePort());
  const started = await Promise.allSettled(Array.from({ length: count }, (_, i) =>
    startServer({ REDIS_URL: redisUrl, PORT: String(ports[2 * i]), ADMIN_PORT: String(ports[2 * i + 1]), ...env })));
  const servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  try {
    const failed = started.find((s) => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    await waitForProcessRecords(redisUrl, count);
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
  // Each server also stops itself; registered last, this runs first and stops them side by side.
  stopWhenDone(() => stopAll(servers));
  return servers;
}

/**
 * Resolves once `count` processes have published their placement record
 * (the `gs:processes` hash of src/cluster/ProcessRecordPublisher.ts): a process
 * answers /healthz a moment before its record lands.
 */
export async function waitForProcessRecords(redisUrl: string, count: number, timeoutMs = 10_000): Promise<void> {
  const client = new Redis(redisUrl);
  try {
    const deadline = Date.now() + timeoutMs;
    while ((await client.hlen("gs:processes")) < count) {
      if (Date.now() > deadline) throw new Error(`${count} process records not published within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    client.disconnect();
  }
}

/** SIGTERM to every one at once, each SIGKILLed if still up 2 s later. */
export async function stopAll(servers: RunningServer[]): Promise<void> {
  await Promise.all(servers.map((s) => s.stop(2_000)));
}

export interface Health {
  status: string;
  processId: string;
  rooms: number;
  clients: number;
  draining: boolean;
  redis: string;
  load: number;
}

export async function healthOf(server: RunningServer): Promise<Health> {
  const response = await fetch(`${server.httpUrl}/healthz`);
  return (await response.json()) as Health;
}

/** The matchmaking HTTP call a client makes, through `server`: shows which process got the room. */
export async function reserveSeat(server: RunningServer, method: "joinOrCreate" | "create", options: Record<string, unknown> = {}) {
  const response = await fetch(`${server.httpUrl}/matchmake/${method}/arena`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(options),
  });
  const body = await response.json();
  return { status: response.status, body: body as SeatReservation & { code?: number; error?: string } };
}

/** Matchmakes through `server` and connects wherever the reservation points; the room is left when its owner is done. */
export async function joinThrough(server: RunningServer, options: Record<string, unknown> = {}) {
  const { status, body } = await reserveSeat(server, "joinOrCreate", options);
  if (status !== 200) throw new Error(`matchmaking answered ${status}: ${JSON.stringify(body)}`);
  const room: Room = leaveWhenDone(await new Client(server.wsUrl).consumeSeatReservation(body as never));
  return { room, reservation: body };
}

interface Leavable {
  connection: { isOpen: boolean };
  leave(): Promise<unknown>;
}

/** How long a leave may take: one whose server is going away may never settle. */
const LEAVE_DEADLINE_MS = 2_000;

/**
 * `room`, left when its owner is done (see stopWhenDone): before the servers, which were
 * started earlier and so stop later. A closed room is not left; a leave is given 2 s.
 */
export function leaveWhenDone<R extends Leavable>(room: R): R {
  stopWhenDone(async () => {
    if (!room.connection.isOpen) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise((resolve) => (timer = setTimeout(resolve, LEAVE_DEADLINE_MS)));
    await Promise.race([room.leave().catch(() => undefined), deadline]);
    clearTimeout(timer);
  });
  return room;
}
