/**
 * A Colyseus SDK client (this server and stock Colyseus), joined through the
 * SDK over a LeanWebSocket. Every client counts bytes, update gaps and input
 * acks (the TIMED patch header) from the raw frames before the SDK sees them.
 * A light client decodes nothing: state frames and room messages (the
 * "kill" broadcasts) stay out of the SDK (it reads their headers in place),
 * only the connection's own frames (join, error, leave, ping, responses)
 * reach it; it writes its inputs itself (the SDK's bytes, see
 * colyseusInputFrames.ts). A probe hands the SDK everything, sends through
 * `room.input()` and reads the decoded state (as loadtest/bot.ts does).
 */
import { Client, Protocol, type InputHandle, type Room } from "@colyseus/sdk";
import type { Intent } from "../../brain.ts";
import { createFrameHeader, InputAckTimer, protocolCode, readFrameHeader, ROOM_STATE_PATCH_CODE, tapFrames } from "../../frame.ts";
import type { Recorder, UpdateClock } from "../recorder.ts";
import type { BenchClient, Connector } from "./benchClient.ts";
import { ColyseusInputFrames, stampsOfHandle } from "./colyseusInputFrames.ts";
import { FrameScratch, type LeanSocket } from "./leanSocket.ts";
import { LeanWebSocket, type FrameInterceptor } from "./leanWebSocket.ts";
import { OPCODE_BINARY, SHORT_CLIENT_HEADER_BYTES } from "./wsFrames.ts";

/** An input frame's payload: code, stamp (at most 9), five fields (at most 9 each for plain numbers). */
const MAX_INPUT_PAYLOAD_BYTES = 64;

/** The input fields a client sets, in the input schemas' order. */
const INPUT_FIELDS = ["seq", "moveX", "moveY", "aim", "fire"] as const;
const [SEQ, MOVE_X, MOVE_Y, AIM, FIRE] = [0, 1, 2, 3, 4] as const;

/** Frames a light client only counts: state, and room messages nobody reads. */
const COUNTED_ONLY_CODES = new Set<number>([
  Protocol.ROOM_STATE, Protocol.ROOM_STATE_PATCH, Protocol.ROOM_DATA, Protocol.ROOM_DATA_SCHEMA, Protocol.ROOM_DATA_BYTES,
]);

interface InputFields {
  seq: number;
  moveX: number;
  moveY: number;
  aim: number;
  fire: boolean;
}

interface Countable {
  players?: { size: number };
  projectiles?: { size: number };
}

export const colyseusConnector: Connector = (job, recorder) => {
  const sdk = new Client(job.url);
  return async (index, isProbe) => {
    const options: Record<string, string> = { name: `bench-${index}` };
    if (job.mode !== undefined) options.mode = job.mode;
    const room = await sdk.joinOrCreate(job.roomName, options);
    return new ColyseusBenchClient(room, isProbe, recorder);
  };
};

/** One class for every client (no per-client closures or getters): the generator's loops over them stay monomorphic. */
class ColyseusBenchClient implements BenchClient, FrameInterceptor {
  readonly roomId: string;
  readonly countsBytes = true;
  isOpen = true;
  private readonly room: Room;
  private readonly isProbe: boolean;
  private readonly recorder: Recorder;
  private readonly lean: LeanSocket;
  private readonly input: InputHandle<InputFields>;
  /** Light clients only: their input frames and the values they are written from. */
  private readonly frames: ColyseusInputFrames | undefined;
  private readonly values = new Float64Array(INPUT_FIELDS.length);
  private readonly scratch = new FrameScratch(MAX_INPUT_PAYLOAD_BYTES);
  private readonly acks = new InputAckTimer();
  private lightSentCount = 0;
  private readonly header = createFrameHeader();
  private readonly clock: UpdateClock = { lastUpdateAtMs: 0 };
  /** The frame the SDK is about to get is a patch (a probe then counts what it decoded). */
  private isPatchForSdk = false;

  constructor(room: Room, isProbe: boolean, recorder: Recorder) {
    const socket = (room.connection.transport as { ws?: unknown }).ws;
    if (!(socket instanceof LeanWebSocket) || socket.lean === undefined) {
      throw new Error("the SDK did not connect through LeanWebSocket (the generator installs it as the global WebSocket before loading the SDK)");
    }
    this.room = room;
    this.roomId = room.roomId;
    this.isProbe = isProbe;
    this.recorder = recorder;
    this.lean = socket.lean;
    // A dropped client is counted and stays out: a reconnection would hide the drop.
    room.reconnection.enabled = false;
    room.onMessage("*", () => undefined);
    room.onLeave(() => {
      if (this.isOpen) recorder.disconnected("a client was disconnected");
      this.isOpen = false;
    });
    this.input = room.input<InputFields>();
    this.frames = isProbe ? undefined : new ColyseusInputFrames(this.input.data, INPUT_FIELDS, stampsOfHandle(this.input), room.clock);
    socket.interceptor = this;
    tapFrames(room, (event, deliver) => {
      try {
        deliver(event);
      } catch (error) {
        recorder.error(`frame ${this.header.code} failed to decode: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (this.isPatchForSdk) {
        const state = room.state as Countable | undefined;
        recorder.entities((state?.players?.size ?? 0) + (state?.projectiles?.size ?? 0));
      }
      this.isPatchForSdk = false;
    });
  }

  keepsWhole(firstByte: number): boolean {
    return this.isProbe || !COUNTED_ONLY_CODES.has(protocolCode(firstByte));
  }

  take(bytes: Uint8Array, offset: number, available: number, length: number): boolean {
    const now = performance.now();
    const header = readFrameHeader(bytes, this.header, offset, available);
    this.recorder.countBytes(length);
    if (header.isTimed) this.acks.ack(header.ackSeq, this.isProbe ? this.input.sentCount : this.lightSentCount, now, this.recorder);
    const isPatch = header.code === ROOM_STATE_PATCH_CODE;
    if (isPatch) this.recorder.update(this.clock, now, length);
    if (this.isProbe || !COUNTED_ONLY_CODES.has(header.code)) {
      this.isPatchForSdk = isPatch && this.isProbe;
      return false;
    }
    // The input stamps read this clock (lag compensation); feed it as decoding would.
    if (header.isTimed) this.room.clock.sample(header.serverNowMs, this.acks.newestRttMs);
    return true;
  }

  send(intent: Intent): void {
    if (!this.isOpen) return;
    if (this.frames === undefined) {
      const data = this.input.data;
      data.seq = this.input.sentCount + 1;
      data.moveX = intent.moveX;
      data.moveY = intent.moveY;
      data.aim = intent.aim;
      data.fire = intent.fire;
      const sentAt = performance.now();
      const seq = this.input.send();
      if (seq !== 0) this.acks.sent(seq, sentAt);
      return;
    }
    const seq = this.lightSentCount + 1;
    const values = this.values;
    values[SEQ] = seq;
    values[MOVE_X] = intent.moveX;
    values[MOVE_Y] = intent.moveY;
    values[AIM] = intent.aim;
    values[FIRE] = intent.fire ? 1 : 0;
    const length = this.frames.write(this.scratch.bytes, SHORT_CLIENT_HEADER_BYTES, values);
    this.acks.sent(seq, performance.now());
    this.lean.sendScratch(this.scratch, OPCODE_BINARY, length);
    this.lightSentCount = seq;
  }
}
