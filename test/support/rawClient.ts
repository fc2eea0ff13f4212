import { once } from "node:events";
import WebSocket from "ws";
import { reserveSeat, type SeatReservation } from "./cluster.ts";
import type { RunningServer } from "./serverProcess.ts";
import { stopWhenDone } from "./teardown.ts";

export const JOIN_ROOM = 10;

export interface RawClient {
  ws: WebSocket;
  reservation: SeatReservation;
  /** Resolves with the close code, whoever closed. */
  closed: Promise<number>;
}

/**
 * A client that speaks raw WebSocket frames, no SDK: matchmakes over HTTP,
 * connects to the reserved seat and acknowledges the join, then sends
 * whatever the test wants, garbage included. Terminated when its owner is done (see stopWhenDone).
 */
export async function connectRaw(server: RunningServer, options: Record<string, unknown>, wsOptions: WebSocket.ClientOptions = {}): Promise<RawClient> {
  const { status, body } = await reserveSeat(server, "joinOrCreate", options);
  if (status !== 200) throw new Error(`matchmaking answered ${status}: ${JSON.stringify(body)}`);
  const ws = new WebSocket(`${server.wsUrl}/${body.processId}/${body.roomId}?sessionId=${body.sessionId}`, wsOptions);
  stopWhenDone(() => ws.terminate());
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  ws.on("error", () => undefined);
  const [joinFrame] = (await once(ws, "message")) as [Buffer];
  if (joinFrame[0] !== JOIN_ROOM) throw new Error(`expected JOIN_ROOM, got ${joinFrame[0]}`);
  ws.send(Buffer.from([JOIN_ROOM]));
  return { ws, reservation: body, closed };
}
