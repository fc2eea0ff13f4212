import { Protocol } from "@colyseus/sdk";
import { ProtocolModifier } from "@colyseus/shared-types";
import { describe, expect, it } from "vitest";
import { createFrameHeader, isStateFrame, readFrameHeader, ROOM_STATE_PATCH_CODE, TIMED_MODIFIER } from "./frame.ts";

/** A frame as core's SchemaSerializer builds it: [code|TIMED][u32 LE serverNow][u32 LE ackSeq][body]. */
function timedFrame(code: number, serverNowMs: number, ackSeq: number, body: number[] = []): Uint8Array {
  const bytes = new Uint8Array(9 + body.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = code | ProtocolModifier.TIMED;
  view.setUint32(1, serverNowMs, true);
  view.setUint32(5, ackSeq, true);
  bytes.set(body, 9);
  return bytes;
}

describe("readFrameHeader", () => {
  it("pins the wire constants to the SDK's", () => {
    expect(TIMED_MODIFIER).toBe(ProtocolModifier.TIMED);
    expect(ROOM_STATE_PATCH_CODE).toBe(Protocol.ROOM_STATE_PATCH);
  });

  it("reads the code, server time and input ack of a TIMED patch", () => {
    const header = readFrameHeader(timedFrame(Protocol.ROOM_STATE_PATCH, 0xfffffffe, 70_000, [1, 2, 3]), createFrameHeader());
    expect(header).toEqual({ code: Protocol.ROOM_STATE_PATCH, isTimed: true, serverNowMs: 0xfffffffe, ackSeq: 70_000 });
  });

  it("reads a frame in place, inside a larger buffer", () => {
    const frame = timedFrame(Protocol.ROOM_STATE_PATCH, 1234, 56, [7, 8]);
    const buffer = new Uint8Array(40).fill(0xff);
    buffer.set(frame, 20);
    expect(readFrameHeader(buffer, createFrameHeader(), 20, frame.byteLength)).toEqual({ code: Protocol.ROOM_STATE_PATCH, isTimed: true, serverNowMs: 1234, ackSeq: 56 });
    expect(readFrameHeader(buffer, createFrameHeader(), 20, 8).isTimed).toBe(false);
  });

  it("reads a frame without the TIMED modifier as untimed", () => {
    const header = readFrameHeader(Uint8Array.of(Protocol.ROOM_DATA, 0xff, 0xff), createFrameHeader());
    expect(header).toMatchObject({ code: Protocol.ROOM_DATA, isTimed: false });
  });

  it("does not read past a truncated TIMED frame", () => {
    const header = readFrameHeader(Uint8Array.of(Protocol.ROOM_STATE_PATCH | ProtocolModifier.TIMED, 1, 2), createFrameHeader());
    expect(header.isTimed).toBe(false);
  });

  it("tells state frames (which light bots do not decode) from the rest", () => {
    expect(isStateFrame(Protocol.ROOM_STATE)).toBe(true);
    expect(isStateFrame(Protocol.ROOM_STATE_PATCH)).toBe(true);
    expect(isStateFrame(Protocol.ROOM_DATA)).toBe(false);
    expect(isStateFrame(Protocol.JOIN_ROOM)).toBe(false);
    expect(isStateFrame(Protocol.LEAVE_ROOM)).toBe(false);
  });
});
