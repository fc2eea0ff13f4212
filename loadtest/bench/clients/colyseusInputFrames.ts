/**
 * A light client's Colyseus input frames, written straight into its send
 * buffer: the bytes `room.input().send()` of SDK 0.18 puts on the wire for a
 * reliable input (code, the lag-compensation stamp when the room asks for
 * one, then the fields that changed since the last input), without the
 * SDK's schema instance, change tracking and copies. Each field is encoded
 * by the input schema's own encoder function, so quantized fields round as
 * the SDK's do. colyseusInputFrames.test.ts checks the bytes against the SDK's.
 */
import { Protocol } from "@colyseus/sdk";
import { encode, getEncodeDescriptor, OPERATION } from "@colyseus/schema";
import { TIMED_MODIFIER } from "../../frame.ts";

/** Which timeline the room wants stamped on each input (its handshake's INPUT_OPTIONS). */
export interface InputStamps {
  isRender: boolean;
  isReckon: boolean;
}

/** The part of the SDK's RoomClock a stamp reads. */
export interface StampClock {
  lastServerTime(): number;
  serverNow(): number;
  smoothedRtt(): number;
}

type FieldEncoder = (bytes: Uint8Array, value: number, it: { offset: number }) => void;

export class ColyseusInputFrames {
  /** Per value slot: the schema's field index, its encoder. */
  private readonly indexes: number[] = [];
  private readonly encoders: FieldEncoder[] = [];
  /** The values last sent; NaN before the first input, which therefore sends every field, as the SDK's first does. */
  private readonly lastSent: Float64Array;
  private readonly it = { offset: 0 };
  private lastStamp = 0;
  private readonly stamps: InputStamps;
  private readonly clock: StampClock;

  /**
   * `inputInstance`: an instance of the room's input schema (the SDK's
   * `room.input().data`); `fieldNames`: the order of the values `write`
   * takes. Every field must be numeric or boolean.
   */
  constructor(inputInstance: object, fieldNames: readonly string[], stamps: InputStamps, clock: StampClock) {
    this.stamps = stamps;
    this.clock = clock;
    const descriptor = getEncodeDescriptor(inputInstance) as { names: (string | undefined)[]; encoders: (FieldEncoder | undefined)[] };
    for (const name of fieldNames) {
      const index = descriptor.names.indexOf(name);
      const encoder = descriptor.encoders[index];
      if (index < 0 || encoder === undefined) throw new Error(`the input schema has no primitive field "${name}"`);
      this.indexes.push(index);
      this.encoders.push(encoder);
    }
    // The SDK encodes fields in index order.
    const order = this.indexes.map((index, slot) => ({ index, slot })).sort((a, b) => a.index - b.index).map((e) => e.slot);
    if (order.some((slot, i) => slot !== i)) throw new Error("list the input fields in the schema's order");
    this.lastSent = new Float64Array(fieldNames.length).fill(Number.NaN);
  }

  /**
   * Writes the next input frame's payload at `target[offset...]` and returns
   * its length. `values` holds the fields in the constructor's order,
   * booleans as 1 or 0 (their encoder writes the same byte).
   */
  write(target: Uint8Array, offset: number, values: Float64Array): number {
    const it = this.it;
    it.offset = offset + 1;
    const isStamped = this.stamps.isRender || this.stamps.isReckon;
    target[offset] = Protocol.ROOM_INPUT_RELIABLE | (isStamped ? TIMED_MODIFIER : 0);
    if (isStamped) this.writeStamp(target, it);
    const lastSent = this.lastSent;
    for (let slot = 0; slot < values.length; slot++) {
      const value = values[slot]!;
      if (value === lastSent[slot]) continue;
      lastSent[slot] = value;
      target[it.offset++] = (this.indexes[slot]! | OPERATION.ADD) & 0xff;
      this.encoders[slot]!(target, value, it);
    }
    return it.offset - offset;
  }

  /** As the SDK's InputHandle: the timeline instant, delta-coded against the last stamp (renderDelay 0, no rewind gate). */
  private writeStamp(target: Uint8Array, it: { offset: number }): void {
    const clock = this.clock;
    const isSynced = clock.lastServerTime() > 0;
    const reckon = isSynced ? Math.max(0, Math.round(clock.serverNow())) >>> 0 : 0;
    const renderDelta = isSynced ? Math.min(0xffff, Math.max(0, Math.round(clock.smoothedRtt() / 2))) : 0;
    const stamp = this.stamps.isReckon ? reckon : (reckon > renderDelta ? reckon - renderDelta : 0);
    encode.number(target, stamp - this.lastStamp, it);
    this.lastStamp = stamp;
    if (this.stamps.isReckon && this.stamps.isRender) encode.uint16(target, renderDelta, it);
  }
}

/**
 * The stamps an SDK input handle (`room.input()`) was told to write by the
 * room's handshake. SDK 0.18.4 keeps them in two internal fields; the test
 * pins their names against the SDK's own handshake decoding.
 */
export function stampsOfHandle(handle: object): InputStamps {
  const fields = handle as { _stampRender?: unknown; _stampReckon?: unknown };
  if (typeof fields._stampRender !== "boolean" || typeof fields._stampReckon !== "boolean") {
    throw new Error("this SDK's input handle does not say which stamps it writes (_stampRender/_stampReckon): update colyseusInputFrames.ts");
  }
  return { isRender: fields._stampRender, isReckon: fields._stampReckon };
}
