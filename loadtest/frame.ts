/**
 * The frame tap every load tool shares (the bots, the bench's Colyseus
 * clients, bench:tick's and the soak's clients): it puts itself between a
 * room's socket and the SDK, reads the few header bytes of a Colyseus 0.18
 * frame, and times input acks, so a client can count patches and measure
 * input round trips without decoding state. Layout (see the SDK's
 * Room#dispatchFrame and core's SchemaSerializer buildTimedFrame):
 *
 *   byte 0: protocol code (low 5 bits) | modifiers (high 3 bits)
 *   with the TIMED modifier: [uint32 LE serverNowMs][uint32 LE ackSeq] follow
 *
 * `serverNowMs` is the room clock (ms since the room started); `ackSeq` is the
 * count of this client's inputs the room has consumed (its last processed input).
 * The WebSocket framing beneath (the bench's lean sockets cut it themselves)
 * is bench/clients/wsFrames.ts.
 */
import { Protocol, type Room } from "@colyseus/sdk";

const PROTOCOL_CODE_MASK = 0x1f;
/** ProtocolModifier.TIMED in @colyseus/shared-types (not re-exported by the SDK; frame.test.ts pins it). */
export const TIMED_MODIFIER = 0x80;
const ROOM_STATE_CODE: number = Protocol.ROOM_STATE;
export const ROOM_STATE_PATCH_CODE: number = Protocol.ROOM_STATE_PATCH;
/** Send times kept per client, in inputs (8.5 s at 30 Hz); an input acked later than that gives no round trip. */
const SENT_RING = 256;

export interface FrameHeader {
  code: number;
  isTimed: boolean;
  /** Valid only when `isTimed`. */
  serverNowMs: number;
  /** Valid only when `isTimed`. */
  ackSeq: number;
}

export function createFrameHeader(): FrameHeader {
  return { code: -1, isTimed: false, serverNowMs: 0, ackSeq: 0 };
}

/** The protocol code of a frame whose first byte is `firstByte` (its modifiers masked off). */
export function protocolCode(firstByte: number): number {
  return firstByte & PROTOCOL_CODE_MASK;
}

/**
 * Fills `out` from the frame at `bytes[offset, offset + available)` (reused
 * per frame: this runs for every frame of every client).
 */
export function readFrameHeader(bytes: Uint8Array, out: FrameHeader, offset = 0, available = bytes.byteLength - offset): FrameHeader {
  const first = available > 0 ? bytes[offset]! : 0;
  out.code = protocolCode(first);
  out.isTimed = (first & TIMED_MODIFIER) !== 0 && available >= 9;
  if (out.isTimed) {
    out.serverNowMs = readUint32LE(bytes, offset + 1);
    out.ackSeq = readUint32LE(bytes, offset + 5);
  }
  return out;
}

/** True for frames that carry schema state: the ones light clients must not hand to the SDK's decoder. */
export function isStateFrame(code: number): boolean {
  return code === ROOM_STATE_CODE || code === ROOM_STATE_PATCH_CODE;
}

/** Hands the SDK a frame (or drops it, for a frame the client keeps from the decoder). */
export type Deliver = (event: MessageEvent) => void;

/**
 * Puts `tap` between `room`'s socket and the SDK: it sees every frame before
 * the SDK does, and passes it on with `deliver` (or not).
 */
export function tapFrames(room: Room, tap: (event: MessageEvent, deliver: Deliver) => void): void {
  const events = room.connection.events;
  const deliver: Deliver = events.onmessage ?? (() => undefined);
  events.onmessage = (event: MessageEvent) => tap(event, deliver);
}

/** Where input round trips go, ms. */
export interface RoundTripSink {
  roundTrip(ms: number): void;
}

/**
 * One client's input send times, and the round trip of each input as the
 * TIMED header acknowledges it: input sent -> its sequence acknowledged.
 */
export class InputAckTimer {
  /** Round trip of the newest input the last `ack` acknowledged, ms; -1 when it acknowledged none. */
  newestRttMs = -1;
  private readonly sentAtMs = new Float64Array(SENT_RING);
  private lastAck = 0;

  /** Input `seq` (1-based: the SDK's `sentCount` once it is sent) left at `atMs`. */
  sent(seq: number, atMs: number): void {
    this.sentAtMs[seq % SENT_RING] = atMs;
  }

  /**
   * A TIMED header acknowledging `ackSeq` arrived at `nowMs`, with `sentCount`
   * inputs sent so far: gives each newly acknowledged input's round trip to
   * `sink` (when there is one) and returns how many it newly acknowledges.
   */
  ack(ackSeq: number, sentCount: number, nowMs: number, sink: RoundTripSink | undefined): number {
    this.newestRttMs = -1;
    const acked = Math.min(ackSeq, sentCount);
    if (acked <= this.lastAck) return 0;
    for (let seq = Math.max(this.lastAck + 1, sentCount - SENT_RING + 1); seq <= acked; seq++) {
      const sentAt = this.sentAtMs[seq % SENT_RING]!;
      if (sentAt <= 0) continue;
      this.newestRttMs = nowMs - sentAt;
      sink?.roundTrip(this.newestRttMs);
    }
    const newlyAcked = acked - this.lastAck;
    this.lastAck = acked;
    return newlyAcked;
  }
}

function readUint32LE(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}
