import { Client, type Room } from "@colyseus/sdk";
import { startServer, type RunningServer } from "./serverProcess.ts";

export interface SeatReservation {
  name: string;
  roomId: string;
  processId: string;
  sessionId: string;
  publicAddress?: string;
}

/** Starts `count` server processes sharing `redisUrl`, each advertising its own address. */
export async function startCluster(count: number, redisUrl: string, env: Record<string, string> = {}): Promise<RunningServer[]> {
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await startServer({ REDIS_URL: redisUrl, ...env }));
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
  return servers;
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
