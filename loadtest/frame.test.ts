import { Protocol, type Room } from "@colyseus/sdk";
import { ProtocolModifier } from "@colyseus/shared-types";
import { describe, expect, it } from "vitest";
import {
  createFrameHeader, InputAckTimer, isStateFrame, protocolCode, readFrameHeader, ROOM_STATE_PATCH_CODE, tapFrames, TIMED_MODIFIER,
} from "./frame.ts";

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

describe("protocolCode", () => {
  it("masks the modifiers off the first byte", () => {
    expect(protocolCode(Protocol.ROOM_STATE_PATCH | ProtocolModifier.TIMED)).toBe(Protocol.ROOM_STATE_PATCH);
    expect(protocolCode(Protocol.ROOM_DATA)).toBe(Protocol.ROOM_DATA);
  });
});

describe("InputAckTimer", () => {
  function sink(): { roundTrip(ms: number): void; samples: number[] } {
    const samples: number[] = [];
    return { samples, roundTrip: (ms) => samples.push(ms) };
  }

  it("gives each newly acknowledged input its round trip, once", () => {
    const timer = new InputAckTimer();
    const rtts = sink();
    timer.sent(1, 100);
    timer.sent(2, 133);
    timer.sent(3, 166);
    expect(timer.ack(2, 3, 180, rtts)).toBe(2);
    expect(rtts.samples).toEqual([80, 47]);
    expect(timer.newestRttMs).toBe(47);
    expect(timer.ack(2, 3, 190, rtts)).toBe(0);
    expect(timer.newestRttMs).toBe(-1);
    expect(timer.ack(3, 3, 200, undefined)).toBe(1);
    expect(timer.newestRttMs).toBe(34);
    expect(rtts.samples).toEqual([80, 47]);
  });

  it("never acknowledges more than was sent", () => {
    const timer = new InputAckTimer();
    timer.sent(1, 10);
    expect(timer.ack(5, 1, 20, undefined)).toBe(1);
    timer.sent(2, 30);
    expect(timer.ack(5, 2, 40, undefined)).toBe(1);
    expect(timer.newestRttMs).toBe(10);
  });

  it("counts inputs acknowledged after their send time left the ring, without a round trip", () => {
    const timer = new InputAckTimer();
    const rtts = sink();
    for (let seq = 1; seq <= 300; seq++) timer.sent(seq, seq);
    expect(timer.ack(300, 300, 1_000, rtts)).toBe(300);
    expect(rtts.samples).toHaveLength(256);
    expect(rtts.samples[0]).toBe(1_000 - 45);
  });
});

describe("tapFrames", () => {
  it("shows every frame to the tap before the SDK, which gets only what the tap passes on", () => {
    const seen: string[] = [];
    const events = { onmessage: (event: MessageEvent) => seen.push(`sdk ${String(event.data)}`) };
    const room = { connection: { events } } as unknown as Room;
    tapFrames(room, (event, deliver) => {
      seen.push(`tap ${String(event.data)}`);
      if (event.data !== "state") deliver(event);
    });
    events.onmessage({ data: "join" } as MessageEvent);
    events.onmessage({ data: "state" } as MessageEvent);
    expect(seen).toEqual(["tap join", "sdk join", "tap state"]);
  });
});
