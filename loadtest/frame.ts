/**
 * Reads the few header bytes of a Colyseus 0.18 frame, so a bot can count
 * patches and input acks without decoding state. Layout (see the SDK's
 * Room#dispatchFrame and core's SchemaSerializer buildTimedFrame):
 *
 *   byte 0: protocol code (low 5 bits) | modifiers (high 3 bits)
 *   with the TIMED modifier: [uint32 LE serverNowMs][uint32 LE ackSeq] follow
 *
 * `serverNowMs` is the room clock (ms since the room started); `ackSeq` is the
 * count of this client's inputs the room has consumed (its last processed input).
 */
import { Protocol } from "@colyseus/sdk";

export const PROTOCOL_CODE_MASK = 0x1f;
/** ProtocolModifier.TIMED in @colyseus/shared-types (not re-exported by the SDK; frame.test.ts pins it). */
export const TIMED_MODIFIER = 0x80;
export const ROOM_STATE_CODE: number = Protocol.ROOM_STATE;
export const ROOM_STATE_PATCH_CODE: number = Protocol.ROOM_STATE_PATCH;

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

/**
 * Fills `out` from the frame at `bytes[offset, offset + available)` (reused
 * per frame: this runs for every frame of every bot).
 */
export function readFrameHeader(bytes: Uint8Array, out: FrameHeader, offset = 0, available = bytes.byteLength - offset): FrameHeader {
  const first = available > 0 ? bytes[offset]! : 0;
  out.code = first & PROTOCOL_CODE_MASK;
  out.isTimed = (first & TIMED_MODIFIER) !== 0 && available >= 9;
  if (out.isTimed) {
    out.serverNowMs = readUint32LE(bytes, offset + 1);
    out.ackSeq = readUint32LE(bytes, offset + 5);
  }
  return out;
}

/** True for frames that carry schema state: the ones light bots must not hand to the SDK's decoder. */
export function isStateFrame(code: number): boolean {
  return code === ROOM_STATE_CODE || code === ROOM_STATE_PATCH_CODE;
}

function readUint32LE(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}
