/**
 * Socket.IO clients. A light client speaks Engine.IO v4 over a bare `ws`
 * socket, as the websocket transport does on the wire: open ("0") -> connect
 * the default namespace ("40"), answer pings ("2" -> "3"), receive events
 * ("42[...]"), without parsing them. A probe is the real socket.io-client
 * (websocket transport) decoding every update; its bytes are not visible to
 * us, so only light clients count bytes.
 */
import { io } from "socket.io-client";
import type { Recorder, UpdateClock } from "../recorder.ts";
import type { BenchClient, Connector } from "./benchClient.ts";
import { createSocket, opened, watchClose } from "./wsClients.ts";

const OPEN = 0x30; // "0": Engine.IO open / Socket.IO CONNECT
const PING = 0x32; // "2": Engine.IO ping / Socket.IO EVENT
const MESSAGE = 0x34; // "4": Engine.IO message

interface JsonStateShape {
  players?: unknown[];
  projectiles?: unknown[];
}

export const socketIoConnector: Connector = (job, recorder) => (index, isProbe) =>
  isProbe ? connectProbe(job.url, recorder) : connectLight(job.url, recorder);

async function connectLight(url: string, recorder: Recorder): Promise<BenchClient> {
  const socket = createSocket(`${url}/socket.io/?EIO=4&transport=websocket`, true);
  const state = { isOpen: true };
  const clock: UpdateClock = { lastUpdateAtMs: 0 };
  let onConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  socket.on("message", (data: Buffer) => {
    recorder.countBytes(data.length);
    const kind = data[0];
    if (kind === MESSAGE) {
      if (data[1] === PING) recorder.update(clock, performance.now(), data.length);
      else if (data[1] === OPEN) onConnected();
    } else if (kind === PING) {
      socket.send("3");
    } else if (kind === OPEN) {
      socket.send("40");
    }
  });
  await opened(socket);
  watchClose(socket, recorder, state);
  await connected;
  return {
    roomId: "",
    countsBytes: true,
    get isOpen() {
      return state.isOpen;
    },
    send(intent) {
      if (!state.isOpen) return;
      socket.send(`42["input",${JSON.stringify({ moveX: intent.moveX, moveY: intent.moveY, aim: intent.aim, fire: intent.fire })}]`);
    },
  };
}

async function connectProbe(url: string, recorder: Recorder): Promise<BenchClient> {
  const socket = io(url.replace(/^ws/, "http"), { transports: ["websocket"], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  let isOpen = true;
  socket.on("disconnect", (reason) => {
    if (isOpen) recorder.disconnected(`a probe was disconnected (${reason})`);
    isOpen = false;
  });
  const clock: UpdateClock = { lastUpdateAtMs: 0 };
  socket.on("state", (state: JsonStateShape) => {
    recorder.update(clock, performance.now(), -1);
    recorder.entities((state.players?.length ?? 0) + (state.projectiles?.length ?? 0));
  });
  return {
    roomId: "",
    countsBytes: false,
    get isOpen() {
      return isOpen;
    },
    send(intent) {
      if (isOpen) socket.emit("input", { moveX: intent.moveX, moveY: intent.moveY, aim: intent.aim, fire: intent.fire });
    },
  };
}
