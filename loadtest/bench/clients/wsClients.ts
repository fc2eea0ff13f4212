/**
 * Clients of the baselines built on `ws` (naive JSON and the send limit):
 * every message is a state update. Light clients count bytes and gaps only
 * (no UTF-8 validation, no parse); a JSON probe parses each update.
 */
import WebSocket from "ws";
import type { Intent } from "../../brain.ts";
import type { Recorder, UpdateClock } from "../recorder.ts";
import type { BenchClient, Connector } from "./benchClient.ts";

interface JsonStateShape {
  players?: unknown[];
  projectiles?: unknown[];
}

/** A socket whose light clients skip UTF-8 validation (they never read the text). */
export function createSocket(url: string, isLight: boolean): WebSocket {
  return new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: isLight });
}

/**
 * Resolves once open, rejects on error or close first. Attach "message"
 * listeners before awaiting it: the server's first frame can be emitted in the
 * same turn as "open".
 */
export function opened(socket: WebSocket): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
    socket.once("close", (code) => reject(new Error(`closed with ${code} before opening`)));
  });
}

/** Counts a dropped socket once; the harness closes nothing before the result is out. */
export function watchClose(socket: WebSocket, recorder: Recorder, state: { isOpen: boolean }): void {
  socket.removeAllListeners("close");
  socket.removeAllListeners("error");
  socket.on("error", (error) => recorder.error(`socket error: ${error.message}`));
  socket.on("close", (code) => {
    if (state.isOpen) recorder.disconnected(`a client was disconnected (${code})`);
    state.isOpen = false;
  });
}

function client(socket: WebSocket, state: { isOpen: boolean }, send: (intent: Intent) => void): BenchClient {
  return {
    roomId: "",
    countsBytes: true,
    get isOpen() {
      return state.isOpen;
    },
    send(intent) {
      if (state.isOpen) send(intent);
    },
  };
}

export const jsonWsConnector: Connector = (job, recorder) => async (_index, isProbe) => {
  const socket = createSocket(job.url, !isProbe);
  const clock: UpdateClock = { lastUpdateAtMs: 0 };
  socket.on("message", (data: Buffer) => {
    const now = performance.now();
    recorder.countBytes(data.length);
    recorder.update(clock, now, data.length);
    if (!isProbe) return;
    try {
      const parsed = JSON.parse(data.toString("utf8")) as JsonStateShape;
      recorder.entities((parsed.players?.length ?? 0) + (parsed.projectiles?.length ?? 0));
    } catch (error) {
      recorder.error(`update failed to parse: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  await opened(socket);
  const state = { isOpen: true };
  watchClose(socket, recorder, state);
  return client(socket, state, (intent) => {
    socket.send(JSON.stringify({ moveX: intent.moveX, moveY: intent.moveY, aim: intent.aim, fire: intent.fire }));
  });
};

/** Size of the send-limit clients' binary input: seq, two axes, aim, fire (close to a Colyseus input frame). */
const RAW_INPUT_BYTES = 12;

export const rawWsConnector: Connector = (job, recorder) => async () => {
  const socket = createSocket(job.url, true);
  const clock: UpdateClock = { lastUpdateAtMs: 0 };
  socket.on("message", (data: Buffer) => {
    recorder.countBytes(data.length);
    recorder.update(clock, performance.now(), data.length);
  });
  await opened(socket);
  const state = { isOpen: true };
  watchClose(socket, recorder, state);
  let seq = 0;
  return client(socket, state, (intent) => {
    const frame = Buffer.allocUnsafe(RAW_INPUT_BYTES);
    frame.writeUInt32LE(++seq, 0);
    frame.writeInt8(intent.moveX, 4);
    frame.writeInt8(intent.moveY, 5);
    frame.writeFloatLE(intent.aim, 6);
    frame.writeUInt8(intent.fire ? 1 : 0, 10);
    frame.writeUInt8(0, 11);
    socket.send(frame);
  });
};
