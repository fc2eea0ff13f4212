import { InputFlags } from "@colyseus/shared-types";
import { describe, expect, it } from "vitest";
import { PlayerInput } from "../../../rooms/schema/ArenaState.ts";
import { nextRandom, type RngState } from "../../../src/sim/rng.ts";
import { StockInput } from "../../baselines/stockColyseus/StockArenaState.ts";
import { ColyseusInputFrames, stampsOfHandle, type StampClock } from "./colyseusInputFrames.ts";

interface SdkInputHandle {
  data: Record<string, unknown>;
  send(): number;
}

interface SdkRoomInput {
  applyOptions(buffer: Uint8Array, it: { offset: number }): void;
  handle(options: { type: unknown }): SdkInputHandle;
}

/** The SDK's own input path (RoomInput + InputHandle, internal modules of SDK 0.18.4), sending into `sent`. */
async function sdkInput(type: unknown, flags: number, clock: StampClock, sent: Uint8Array[]): Promise<SdkInputHandle> {
  const { RoomInput } = (await import("@colyseus/sdk/input/RoomInput")) as unknown as { RoomInput: new (room: unknown) => SdkRoomInput };
  const room = { clock, connection: { isOpen: true, send: (bytes: Uint8Array) => sent.push(Uint8Array.from(bytes)) } };
  const input = new RoomInput(room);
  input.applyOptions(Uint8Array.of(flags), { offset: 0 });
  return input.handle({ type });
}

/** A clock the test moves: both encoders read the same one. */
function fakeClock(): StampClock & { serverMs: number; rttMs: number } {
  return {
    serverMs: 0,
    rttMs: 0,
    lastServerTime() {
      return this.serverMs > 0 ? this.serverMs - 3 : 0;
    },
    serverNow() {
      return this.serverMs;
    },
    smoothedRtt() {
      return this.rttMs;
    },
  };
}

/** Intents as the bench sends them: axes in {-1, 0, 1}, any aim, fire on or off, often repeating. */
function randomInputs(seed: number, count: number) {
  const rng: RngState = { rngState: seed };
  const pick = () => nextRandom(rng);
  const inputs = [];
  let moveX = 0;
  let aim = 0;
  for (let seq = 1; seq <= count; seq++) {
    if (pick() < 0.2) moveX = Math.floor(pick() * 3) - 1;
    if (pick() < 0.5) aim = pick() * 7 - 0.3;
    inputs.push({ seq: seq === 40 ? 70_000 : seq, moveX, moveY: Math.floor(pick() * 3) - 1, aim, fire: pick() < 0.3 });
  }
  return inputs;
}

const FIELDS = ["seq", "moveX", "moveY", "aim", "fire"];

const CASES = [
  { name: "this server's input, render-time stamps", type: PlayerInput, flags: InputFlags.RENDER_TIME },
  { name: "this server's input, both stamps", type: PlayerInput, flags: InputFlags.RENDER_TIME | InputFlags.RECKON_TIME },
  { name: "this server's input, no stamps", type: PlayerInput, flags: 0 },
  { name: "stock Colyseus's input (plain numbers), no stamps", type: StockInput, flags: 0 },
  { name: "stock Colyseus's input, reckon stamps", type: StockInput, flags: InputFlags.RECKON_TIME },
];

describe("ColyseusInputFrames", () => {
  it.each(CASES)("writes the SDK's bytes: $name", async ({ type, flags }) => {
    const clock = fakeClock();
    const sdkFrames: Uint8Array[] = [];
    const handle = await sdkInput(type, flags, clock, sdkFrames);
    const frames = new ColyseusInputFrames(new (type as new () => object)(), FIELDS, stampsOfHandle(handle), clock);
    const target = new Uint8Array(64);
    const ours: Uint8Array[] = [];
    const slots = new Float64Array(FIELDS.length);
    for (const [i, values] of randomInputs(7, 200).entries()) {
      // The clock syncs after a few inputs, then runs on with a wandering RTT.
      clock.serverMs = i < 5 ? 0 : 1_000 + i * 33.4;
      clock.rttMs = 2 + (i % 17) * 0.7;
      Object.assign(handle.data, values);
      handle.send();
      slots.set([values.seq, values.moveX, values.moveY, values.aim, values.fire ? 1 : 0]);
      const length = frames.write(target, 3, slots);
      ours.push(target.slice(3, 3 + length));
    }
    expect(ours.map(hex)).toEqual(sdkFrames.map(hex));
  });

  it("reads the stamps the handshake gave the SDK's handle", async () => {
    const clock = fakeClock();
    expect(stampsOfHandle(await sdkInput(PlayerInput, InputFlags.RENDER_TIME, clock, []))).toEqual({ isRender: true, isReckon: false });
    expect(stampsOfHandle(await sdkInput(PlayerInput, InputFlags.RECKON_TIME, clock, []))).toEqual({ isRender: false, isReckon: true });
    expect(stampsOfHandle(await sdkInput(PlayerInput, 0, clock, []))).toEqual({ isRender: false, isReckon: false });
  });

  it("refuses fields the schema lacks, or listed out of its order", () => {
    const stamps = { isRender: false, isReckon: false };
    expect(() => new ColyseusInputFrames(new PlayerInput(), ["seq", "jump"], stamps, fakeClock())).toThrow(/jump/);
    expect(() => new ColyseusInputFrames(new PlayerInput(), ["moveX", "seq"], stamps, fakeClock())).toThrow(/order/);
  });

  it("refuses a handle that does not say which stamps it writes", () => {
    expect(() => stampsOfHandle({})).toThrow(/_stampRender/);
  });
});

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}
