/**
 * Clients of the baselines built on `ws` (naive JSON and the send limit):
 * every message is a state update. Light clients count bytes and gaps from
 * the frame headers only (the payload is never copied, decoded or
 * validated) and write their inputs into a reused frame; a JSON probe parses
 * each update.
 */
import type { Intent } from "../../brain.ts";
import type { Recorder, UpdateClock } from "../recorder.ts";
import type { BenchClient, Connector } from "./benchClient.ts";
import { FrameScratch, LeanSocket, type LeanSocketOptions } from "./leanSocket.ts";
import { OPCODE_BINARY, OPCODE_CONTINUATION, OPCODE_TEXT, SHORT_CLIENT_HEADER_BYTES } from "./wsFrames.ts";

interface JsonStateShape {
  players?: unknown[];
  projectiles?: unknown[];
}

/** Largest text input: `{"moveX":-1,"moveY":-1,"aim":<17 digits>,"fire":false}` and Socket.IO's framing around it. */
const MAX_TEXT_INPUT_BYTES = 125;

/**
 * Opens a lean socket whose drops are counted (once per client) and whose
 * fragmented messages are reported: no bench server sends any, and a light
 * client would count their pieces as updates.
 */
export function openCounted(
  url: string, recorder: Recorder, keepsWhole: LeanSocketOptions["keepsWhole"], onMessage: LeanSocketOptions["onFrame"],
): Promise<LeanSocket> {
  return LeanSocket.open({
    url,
    keepsWhole,
    onFrame(opcode, isFinal, bytes, offset, available, length) {
      if (!isFinal || opcode === OPCODE_CONTINUATION) recorder.error("the server sent a fragmented message");
      onMessage(opcode, isFinal, bytes, offset, available, length);
    },
    onClose: (code) => recorder.disconnected(`a client was disconnected (${code})`),
    onError: (error) => recorder.error(`socket error: ${error.message}`),
  });
}

/**
 * A bench client over `socket` that sends each intent with `send`. One class
 * for all (not an object literal with a getter per client), so the
 * generator's loop over thousands of clients stays monomorphic.
 */
class LeanClient implements BenchClient {
  readonly roomId = "";
  readonly countsBytes = true;
  private readonly socket: LeanSocket;
  private readonly sendIntent: (intent: Intent) => void;

  constructor(socket: LeanSocket, sendIntent: (intent: Intent) => void) {
    this.socket = socket;
    this.sendIntent = sendIntent;
  }

  get isOpen(): boolean {
    return this.socket.isOpen;
  }

  send(intent: Intent): void {
    if (this.socket.isOpen) this.sendIntent(intent);
  }
}

export function leanClient(socket: LeanSocket, send: (intent: Intent) => void): BenchClient {
  return new LeanClient(socket, send);
}

/**
 * Writes `text` (ASCII) as the payload of `scratch` and sends it as one text
 * frame: the bytes of `socket.send(text)` without a Buffer per input.
 */
export function sendText(socket: LeanSocket, scratch: FrameScratch, text: string): void {
  const length = scratch.bytes.write(text, SHORT_CLIENT_HEADER_BYTES, "latin1");
  if (length !== text.length) throw new Error(`a ${text.length}-character input does not fit its ${length}-byte frame`);
  socket.sendScratch(scratch, OPCODE_TEXT, length);
}

/** The JSON an input is sent as, byte for byte what JSON.stringify gives for finite numbers. */
export function inputJson(intent: Intent): string {
  return `{"moveX":${intent.moveX},"moveY":${intent.moveY},"aim":${intent.aim},"fire":${intent.fire}}`;
}

export const jsonWsConnector: Connector = (job, recorder) => async (_index, isProbe) => {
  const clock: UpdateClock = { lastUpdateAtMs: 0 };
  const socket = await openCounted(job.url, recorder, () => isProbe, (_opcode, _isFinal, bytes, offset, _available, length) => {
    recorder.countBytes(length);
    recorder.update(clock, performance.now(), length);
    if (!isProbe) return;
    try {
      const parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString("utf8")) as JsonStateShape;
      recorder.entities((parsed.players?.length ?? 0) + (parsed.projectiles?.length ?? 0));
    } catch (error) {
      recorder.error(`update failed to parse: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  const scratch = new FrameScratch(MAX_TEXT_INPUT_BYTES);
  return leanClient(socket, (intent) => sendText(socket, scratch, inputJson(intent)));
};

/** Size of the send-limit clients' binary input: seq, two axes, aim, fire (close to a Colyseus input frame). */
const RAW_INPUT_BYTES = 12;

export const rawWsConnector: Connector = (job, recorder) => async () => {
  const clock: UpdateClock = { lastUpdateAtMs: 0 };
  const socket = await openCounted(job.url, recorder, () => false, (_opcode, _isFinal, _bytes, _offset, _available, length) => {
    recorder.countBytes(length);
    recorder.update(clock, performance.now(), length);
  });
  const scratch = new FrameScratch(RAW_INPUT_BYTES);
  let seq = 0;
  return leanClient(socket, (intent) => {
    const frame = scratch.bytes;
    const at = SHORT_CLIENT_HEADER_BYTES;
    frame.writeUInt32LE(++seq, at);
    frame.writeInt8(intent.moveX, at + 4);
    frame.writeInt8(intent.moveY, at + 5);
    frame.writeFloatLE(intent.aim, at + 6);
    frame.writeUInt8(intent.fire ? 1 : 0, at + 10);
    frame.writeUInt8(0, at + 11);
    socket.sendScratch(scratch, OPCODE_BINARY, RAW_INPUT_BYTES);
  });
};
