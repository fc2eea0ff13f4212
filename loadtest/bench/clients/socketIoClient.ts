/**
 * Socket.IO clients. A light client speaks Engine.IO v4 over a LeanSocket,
 * as the websocket transport does on the wire: open ("0") -> connect
 * the default namespace ("40"), answer pings ("2" -> "3"), receive events
 * ("42[...]"), without parsing them. A probe is the real socket.io-client
 * (websocket transport) decoding every update; its bytes are not visible to
 * us, so only light clients count bytes.
 */
import { io } from "socket.io-client";
import type { Recorder, UpdateClock } from "../recorder.ts";
import type { BenchClient, Connector } from "./benchClient.ts";
import { FrameScratch } from "./leanSocket.ts";
import { inputJson, leanClient, openCounted, sendText } from "./wsClients.ts";

const OPEN = 0x30; // "0": Engine.IO open / Socket.IO CONNECT
const PING = 0x32; // "2": Engine.IO ping / Socket.IO EVENT
const MESSAGE = 0x34; // "4": Engine.IO message
/** `42["input",{...}]` around the JSON of an input: within one short frame. */
const MAX_INPUT_BYTES = 125;

interface JsonStateShape {
  players?: unknown[];
  projectiles?: unknown[];
}

export const socketIoConnector: Connector = (job, recorder) => (_index, isProbe) =>
  isProbe ? connectProbe(job.url, recorder) : connectLight(job.url, recorder);

async function connectLight(url: string, recorder: Recorder): Promise<BenchClient> {
  const clock: UpdateClock = { lastUpdateAtMs: 0 };
  const scratch = new FrameScratch(MAX_INPUT_BYTES);
  let onConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  // Answers go out from inside the frame handler, once the socket is known (the server speaks first, after the upgrade).
  let answer: (text: string) => void = () => undefined;
  const socket = await openCounted(`${url}/socket.io/?EIO=4&transport=websocket`, recorder, () => false, (_opcode, _isFinal, bytes, offset, available, length) => {
    recorder.countBytes(length);
    const kind = available > 0 ? bytes[offset] : -1;
    if (kind === MESSAGE) {
      const second = available > 1 ? bytes[offset + 1] : -1;
      if (second === PING) recorder.update(clock, performance.now(), length);
      else if (second === OPEN) onConnected();
    } else if (kind === PING) {
      answer("3");
    } else if (kind === OPEN) {
      answer("40");
    }
  });
  answer = (text) => sendText(socket, scratch, text);
  await connected;
  return leanClient(socket, (intent) => sendText(socket, scratch, `42["input",${inputJson(intent)}]`));
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
