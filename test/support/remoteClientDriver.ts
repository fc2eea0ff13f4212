/**
 * A game client host: run as a script (`node remoteClientDriver.ts <http-url>`), typically inside
 * a network namespace, it plays through `@colyseus/sdk` against <http-url> and takes orders as
 * JSON lines on stdin, answering and reporting events as JSON lines on stdout (the protocol is
 * in remoteClient.ts). Everything the SDK does, reconnection included, happens here, on this host.
 */
import { Client, type Room } from "@colyseus/sdk";
import { createInterface } from "node:readline";
import type { DriverReply, DriverRequest } from "./remoteClient.ts";

// stdout carries the protocol: the SDK's own console lines (reconnection progress) go to stderr.
for (const level of ["log", "info", "warn", "debug"] as const) console[level] = console.error;

const baseUrl = process.argv[2];
if (baseUrl === undefined) throw new Error("usage: remoteClientDriver.ts <http-url>");
const client = new Client(baseUrl);
const rooms = new Map<string, Room>();
let handles = 0;

function write(line: DriverReply): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

interface ArenaStateView {
  tick?: number;
  players?: { forEach(each: (player: { playerId: string }, sessionId: string) => void): void };
}

function roomOf(handle: string): Room {
  const room = rooms.get(handle);
  if (room === undefined) throw new Error(`no room ${handle}`);
  return room;
}

function watch(handle: string, room: Room): void {
  room.onMessage("*", (type, payload) => write({ event: "message", handle, type: String(type), payload }));
  room.onDrop((code, reason) => write({ event: "drop", handle, code, reason }));
  room.onReconnect(() => write({ event: "reconnect", handle, sessionId: room.sessionId }));
  room.onLeave((code, reason) => write({ event: "leave", handle, code, reason }));
  room.onError((code, message) => write({ event: "error", handle, code, message }));
}

async function handle(request: DriverRequest): Promise<unknown> {
  switch (request.op) {
    case "join": {
      const path = request.method === "joinById" ? `/matchmake/joinById/${request.roomId}` : `/matchmake/${request.method}/arena`;
      // The matchmaking call the SDK's joinOrCreate makes, split from the connection so the
      // reservation (which process owns the room, and its public address) can be reported.
      const response = await client.http.post(path, { body: request.options ?? {}, signal: AbortSignal.timeout(request.timeoutMs) });
      const reservation = response.data as { roomId: string; sessionId: string; processId: string; publicAddress?: string };
      const room = await client.consumeSeatReservation(reservation as never);
      const handle = `r${++handles}`;
      rooms.set(handle, room);
      watch(handle, room);
      return { handle, roomId: room.roomId, sessionId: room.sessionId, processId: reservation.processId, publicAddress: reservation.publicAddress };
    }
    case "leave":
      return { code: await roomOf(request.handle).leave(true) };
    case "dm":
      return await roomOf(request.handle).request("dm", { to: request.to, text: request.text });
    case "ping": {
      const room = roomOf(request.handle);
      return await new Promise<number>((resolve) => room.ping(resolve));
    }
    case "state": {
      const room = roomOf(request.handle);
      const state = room.state as ArenaStateView | undefined;
      const players: Record<string, string> = {};
      state?.players?.forEach((player, sessionId) => (players[sessionId] = player.playerId));
      return { tick: state?.tick ?? null, players, sessionId: room.sessionId, isOpen: room.connection?.isOpen ?? false };
    }
    case "http": {
      const response = await fetch(new URL(request.path, baseUrl), {
        method: request.method,
        headers: request.body === undefined ? {} : { "content-type": "application/json" },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(request.timeoutMs),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body };
    }
  }
}

createInterface({ input: process.stdin }).on("line", (line) => {
  const request = JSON.parse(line) as DriverRequest;
  handle(request).then(
    (result) => write({ id: request.id, ok: true, result }),
    (error: { code?: unknown; name?: string; message?: string }) =>
      write({ id: request.id, ok: false, error: { code: typeof error.code === "number" ? error.code : undefined, name: error.name, message: String(error.message ?? error) } }),
  );
}).on("close", () => process.exit(0));

write({ event: "ready" });
