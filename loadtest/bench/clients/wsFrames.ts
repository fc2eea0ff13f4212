/**
 * The WebSocket wire format (RFC 6455) as the bench's lean clients need it:
 * a reader that cuts a server's byte stream into frames without copying a
 * payload nobody reads, and the header of a client frame.
 *
 * Client frames carry the all-zero masking key: masking XORs the payload
 * with the key, so the masked payload equals the plain one and a frame can be
 * built once and sent as is. The RFC asks for an unpredictable key so that a
 * browser page cannot steer the bytes an intermediary sees; these clients
 * talk to a server on loopback, and the server unmasks every frame the same
 * way whatever its key, so its cost does not change.
 */

export const OPCODE_CONTINUATION = 0x0;
export const OPCODE_TEXT = 0x1;
export const OPCODE_BINARY = 0x2;
export const OPCODE_CLOSE = 0x8;
export const OPCODE_PING = 0x9;
export const OPCODE_PONG = 0xa;

/** Payload bytes a frame's handler always sees (all of them when the payload is shorter): room for every header a light client reads. */
export const PAYLOAD_PREFIX_BYTES = 16;
/** Header of a client frame with a payload under 126 bytes: 2 bytes, then the 4-byte masking key. */
export const SHORT_CLIENT_HEADER_BYTES = 6;
/** Largest payload a short client header can announce. */
const MAX_SHORT_PAYLOAD_BYTES = 125;
/** Frames announcing more than this are refused (no bench server sends anything near it). */
const MAX_FRAME_BYTES = 2 ** 31;

/**
 * Receives each complete frame. `bytes[offset, offset + available)` holds the
 * payload's first `available` bytes: the whole payload (`available ===
 * length`) when the reader kept it, otherwise at least
 * min(length, PAYLOAD_PREFIX_BYTES). The bytes are only valid during the call.
 */
export type FrameHandler = (opcode: number, isFinal: boolean, bytes: Uint8Array, offset: number, available: number, length: number) => void;

/**
 * Whether a frame's whole payload must reach the handler, decided from its
 * opcode and first payload byte. A frame that arrives within one read
 * reaches the handler whole anyway, without a copy.
 */
export type KeepsWhole = (opcode: number, firstByte: number) => boolean;

/** Control frames (close, ping, pong: at most 125 bytes) are always kept whole. */
function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/**
 * Cuts a server's byte stream (unmasked frames) into frames, for one socket.
 * Frames that lie within one read are handed over in place; a frame split
 * across reads is assembled only as far as its handler needs.
 */
export class FrameReader {
  private readonly header = new Uint8Array(14);
  private headerHave = 0;
  private isInPayload = false;
  private opcode = 0;
  private isFinal = false;
  private length = 0;
  private have = 0;
  private isKept = false;
  private kept = new Uint8Array(256);
  private readonly prefix = new Uint8Array(PAYLOAD_PREFIX_BYTES);

  private readonly onFrame: FrameHandler;
  private readonly keepsWhole: KeepsWhole;

  constructor(onFrame: FrameHandler, keepsWhole: KeepsWhole) {
    this.onFrame = onFrame;
    this.keepsWhole = keepsWhole;
  }

  /** Feeds `bytes[start, end)`; throws on a frame no server may send (masked, oversized). */
  push(bytes: Uint8Array, start: number, end: number): void {
    let at = start;
    while (at < end) {
      if (!this.isInPayload) {
        if (this.headerHave === 0) {
          const headerBytes = this.parseHeader(bytes, at, end - at);
          if (headerBytes > 0) {
            at += headerBytes;
            if (end - at >= this.length) {
              // The whole frame is in this read: hand it over in place.
              this.onFrame(this.opcode, this.isFinal, bytes, at, this.length, this.length);
              at += this.length;
              continue;
            }
            this.startPayload();
            continue;
          }
        }
        // A header split across reads: gather it a byte at a time (rare, and at most 14 bytes).
        this.header[this.headerHave++] = bytes[at++]!;
        if (this.parseHeader(this.header, 0, this.headerHave) > 0) {
          this.headerHave = 0;
          if (this.length === 0) this.onFrame(this.opcode, this.isFinal, this.header, 0, 0, 0);
          else this.startPayload();
        }
        continue;
      }
      const take = Math.min(this.length - this.have, end - at);
      if (this.have === 0) this.isKept = isControl(this.opcode) || this.keepsWhole(this.opcode, bytes[at]!);
      if (this.isKept) {
        if (this.kept.length < this.length) this.kept = new Uint8Array(Math.max(this.length, this.kept.length * 2));
        this.kept.set(bytes.subarray(at, at + take), this.have);
      } else if (this.have < PAYLOAD_PREFIX_BYTES) {
        const prefixTake = Math.min(take, PAYLOAD_PREFIX_BYTES - this.have);
        this.prefix.set(bytes.subarray(at, at + prefixTake), this.have);
      }
      this.have += take;
      at += take;
      if (this.have === this.length) {
        this.isInPayload = false;
        if (this.isKept) this.onFrame(this.opcode, this.isFinal, this.kept, 0, this.length, this.length);
        else this.onFrame(this.opcode, this.isFinal, this.prefix, 0, Math.min(this.length, PAYLOAD_PREFIX_BYTES), this.length);
      }
    }
  }

  private startPayload(): void {
    this.isInPayload = true;
    this.have = 0;
  }

  /** Reads a complete header at `bytes[at, at + available)` into the fields; 0 when incomplete. */
  private parseHeader(bytes: Uint8Array, at: number, available: number): number {
    if (available < 2) return 0;
    const first = bytes[at]!;
    const second = bytes[at + 1]!;
    if ((second & 0x80) !== 0) throw new Error("the server sent a masked frame");
    let length = second & 0x7f;
    let headerBytes = 2;
    if (length === 126) {
      if (available < 4) return 0;
      length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      headerBytes = 4;
    } else if (length === 127) {
      if (available < 10) return 0;
      const high = ((bytes[at + 2]! << 24) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!) >>> 0;
      const low = ((bytes[at + 6]! << 24) | (bytes[at + 7]! << 16) | (bytes[at + 8]! << 8) | bytes[at + 9]!) >>> 0;
      length = high * 2 ** 32 + low;
      headerBytes = 10;
    }
    if (length > MAX_FRAME_BYTES) throw new Error(`the server announced a ${length}-byte frame`);
    this.opcode = first & 0x0f;
    this.isFinal = (first & 0x80) !== 0;
    this.length = length;
    return headerBytes;
  }
}

/**
 * Writes the header of a final client frame with a payload of at most 125
 * bytes into `target[0, SHORT_CLIENT_HEADER_BYTES)`: the payload then goes
 * at SHORT_CLIENT_HEADER_BYTES, unchanged (zero masking key).
 */
export function writeShortClientHeader(target: Uint8Array, opcode: number, payloadBytes: number): void {
  if (payloadBytes > MAX_SHORT_PAYLOAD_BYTES) throw new Error(`a short frame holds at most ${MAX_SHORT_PAYLOAD_BYTES} bytes, not ${payloadBytes}`);
  target[0] = 0x80 | opcode;
  target[1] = 0x80 | payloadBytes;
  target[2] = 0;
  target[3] = 0;
  target[4] = 0;
  target[5] = 0;
}

/** A complete final client frame (any size) around `payload`, zero masking key. */
export function clientFrame(opcode: number, payload: Uint8Array): Uint8Array {
  const length = payload.byteLength;
  const lengthBytes = length <= MAX_SHORT_PAYLOAD_BYTES ? 0 : length < 65_536 ? 2 : 8;
  const headerBytes = 2 + lengthBytes + 4;
  const frame = new Uint8Array(headerBytes + length);
  frame[0] = 0x80 | opcode;
  if (lengthBytes === 0) {
    frame[1] = 0x80 | length;
  } else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame[2] = length >>> 8;
    frame[3] = length & 0xff;
  } else {
    frame[1] = 0x80 | 127;
    const view = new DataView(frame.buffer);
    view.setUint32(2, Math.floor(length / 2 ** 32));
    view.setUint32(6, length >>> 0);
  }
  frame.set(payload, headerBytes);
  return frame;
}
