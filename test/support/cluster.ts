import { Client, type Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { freePort, startServer, type RunningServer } from "./serverProcess.ts";

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
 */
export async function startCluster(count: number, redisUrl: string, env: Record<string, string> = {}): Promise<RunningServer[]> {
  const ports = await distinctFreePorts(count * 2);
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
  return servers;
}

/** Ports nobody listens on right now, no two alike (probes one at a time can be handed the same port twice). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * Resolves once `count` processes have published their placement record
 * (the `gs:processes` hash of src/cluster/processRegistry.ts): a process
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

/** Matchmakes through `server` and connects wherever the reservation points. */
export async function joinThrough(server: RunningServer, options: Record<string, unknown> = {}) {
  const { status, body } = await reserveSeat(server, "joinOrCreate", options);
  if (status !== 200) throw new Error(`matchmaking answered ${status}: ${JSON.stringify(body)}`);
  const room: Room = await new Client(server.wsUrl).consumeSeatReservation(body as never);
  return { room, reservation: body };
}

export async function leaveAll(rooms: Room[]): Promise<void> {
  await Promise.all(rooms.map((r) => (r.connection.isOpen ? r.leave().catch(() => undefined) : undefined)));
}
