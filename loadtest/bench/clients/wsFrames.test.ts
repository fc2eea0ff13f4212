import { describe, expect, it } from "vitest";
import {
  clientFrame, FrameReader, OPCODE_BINARY, OPCODE_CLOSE, OPCODE_CONTINUATION, OPCODE_PING, OPCODE_TEXT, PAYLOAD_PREFIX_BYTES,
  SHORT_CLIENT_HEADER_BYTES, writeShortClientHeader,
} from "./wsFrames.ts";

interface Frame {
  opcode: number;
  isFinal: boolean;
  payload: Uint8Array;
}

/** A frame as a server writes it: unmasked, with the shortest length encoding. */
function serverFrame({ opcode, isFinal, payload }: Frame): Uint8Array {
  const length = payload.byteLength;
  const header = length < 126 ? [length] : length < 65_536 ? [126, length >>> 8, length & 0xff] : [127, 0, 0, 0, 0, ...u32(length)];
  return Uint8Array.from([(isFinal ? 0x80 : 0) | opcode, ...header, ...payload]);
}

function u32(value: number): number[] {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function payloadOf(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

interface Seen {
  opcode: number;
  isFinal: boolean;
  length: number;
  bytes: Uint8Array;
}

/** Feeds `stream` cut at `cuts` and returns what the handler saw (the bytes it was shown, copied). */
function read(stream: Uint8Array, cuts: number[], keepsWhole: (opcode: number, firstByte: number) => boolean): Seen[] {
  const seen: Seen[] = [];
  const reader = new FrameReader((opcode, isFinal, bytes, offset, available, length) => {
    seen.push({ opcode, isFinal, length, bytes: bytes.slice(offset, offset + available) });
  }, keepsWhole);
  let from = 0;
  for (const cut of [...cuts, stream.byteLength]) {
    // Each read lands somewhere in a larger buffer, as the shared read buffer does.
    const chunk = new Uint8Array(cut - from + 7);
    chunk.set(stream.subarray(from, cut), 3);
    reader.push(chunk, 3, 3 + cut - from);
    from = cut;
  }
  return seen;
}

const FRAMES: Frame[] = [
  { opcode: OPCODE_BINARY, isFinal: true, payload: payloadOf(0, 1) },
  { opcode: OPCODE_BINARY, isFinal: true, payload: payloadOf(9, 2) },
  { opcode: OPCODE_TEXT, isFinal: true, payload: payloadOf(PAYLOAD_PREFIX_BYTES, 3) },
  { opcode: OPCODE_BINARY, isFinal: false, payload: payloadOf(PAYLOAD_PREFIX_BYTES + 1, 4) },
  { opcode: OPCODE_CONTINUATION, isFinal: true, payload: payloadOf(125, 5) },
  { opcode: OPCODE_PING, isFinal: true, payload: payloadOf(3, 6) },
  { opcode: OPCODE_BINARY, isFinal: true, payload: payloadOf(126, 7) },
  { opcode: OPCODE_BINARY, isFinal: true, payload: payloadOf(65_535, 8) },
  { opcode: OPCODE_BINARY, isFinal: true, payload: payloadOf(70_000, 9) },
  { opcode: OPCODE_CLOSE, isFinal: true, payload: Uint8Array.of(0x03, 0xe8) },
];
const STREAM = Uint8Array.from(FRAMES.flatMap((f) => [...serverFrame(f)]));

/** What the handler must see: whole payloads where kept (always for control frames), at least the prefix elsewhere. */
function expectFrames(seen: Seen[], keptOpcodes: number[]) {
  expect(seen.map((s) => [s.opcode, s.isFinal, s.length])).toEqual(FRAMES.map((f) => [f.opcode, f.isFinal, f.payload.byteLength]));
  seen.forEach((s, i) => {
    const payload = FRAMES[i]!.payload;
    const isKept = keptOpcodes.includes(s.opcode) || s.opcode >= OPCODE_CLOSE;
    if (isKept) expect(same(s.bytes, payload), `frame ${i} whole`).toBe(true);
    else {
      expect(s.bytes.byteLength).toBeGreaterThanOrEqual(Math.min(payload.byteLength, PAYLOAD_PREFIX_BYTES));
      expect(same(s.bytes, payload.subarray(0, s.bytes.byteLength)), `frame ${i} prefix`).toBe(true);
    }
  });
}

describe("FrameReader", () => {
  it("reads frames of every length encoding from one read", () => {
    expectFrames(read(STREAM, [], () => true), [OPCODE_BINARY, OPCODE_TEXT, OPCODE_CONTINUATION]);
  });

  it.each([
    { name: "a byte at a time", cuts: Array.from({ length: 400 }, (_, i) => i + 1) },
    { name: "in reads of 7 bytes", cuts: Array.from({ length: Math.floor(STREAM.byteLength / 7) }, (_, i) => (i + 1) * 7) },
    { name: "in reads of 64 KB", cuts: [65_536, 131_072] },
  ])("reads the same frames when the stream is cut $name", ({ cuts }) => {
    expectFrames(read(STREAM, cuts, () => true), [OPCODE_BINARY, OPCODE_TEXT, OPCODE_CONTINUATION]);
    expectFrames(read(STREAM, cuts, () => false), []);
  });

  it("keeps whole only the frames its predicate asks for, deciding on the first payload byte", () => {
    const wanted = { opcode: OPCODE_BINARY, isFinal: true, payload: Uint8Array.from([42, ...payloadOf(99, 1)]) };
    const skipped = { opcode: OPCODE_BINARY, isFinal: true, payload: Uint8Array.from([7, ...payloadOf(99, 2)]) };
    const stream = Uint8Array.from([...serverFrame(skipped), ...serverFrame(wanted)]);
    const seen = read(stream, Array.from({ length: stream.byteLength - 1 }, (_, i) => i + 1), (_opcode, firstByte) => firstByte === 42);
    expect([...seen[0]!.bytes]).toEqual([...skipped.payload.subarray(0, PAYLOAD_PREFIX_BYTES)]);
    expect([...seen[1]!.bytes]).toEqual([...wanted.payload]);
  });

  it("refuses a masked frame (servers never mask)", () => {
    const reader = new FrameReader(() => undefined, () => true);
    expect(() => reader.push(Uint8Array.of(0x82, 0x81, 1, 2, 3, 4, 5), 0, 7)).toThrow(/masked/);
  });
});

describe("client frames", () => {
  it("writes a short header with the zero masking key, so the payload goes as is", () => {
    const frame = new Uint8Array(SHORT_CLIENT_HEADER_BYTES + 3);
    writeShortClientHeader(frame, OPCODE_TEXT, 3);
    frame.set([0x61, 0x62, 0x63], SHORT_CLIENT_HEADER_BYTES);
    expect([...frame]).toEqual([0x81, 0x83, 0, 0, 0, 0, 0x61, 0x62, 0x63]);
    expect(() => writeShortClientHeader(frame, OPCODE_TEXT, 126)).toThrow(/125/);
  });

  it.each([0, 125, 126, 65_535, 65_536])("frames a %i-byte payload with the shortest length encoding", (length) => {
    const payload = payloadOf(length, 3);
    const frame = clientFrame(OPCODE_BINARY, payload);
    const lengthBytes = length < 126 ? 0 : length < 65_536 ? 2 : 8;
    expect(frame.byteLength).toBe(2 + lengthBytes + 4 + length);
    expect(frame[0]).toBe(0x82);
    expect(frame[1]! & 0x80).toBe(0x80);
    expect(frame.subarray(2 + lengthBytes, 6 + lengthBytes)).toEqual(new Uint8Array(4));
    expect(frame.subarray(6 + lengthBytes)).toEqual(payload);
  });
});
