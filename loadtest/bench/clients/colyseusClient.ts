/**
 * A Colyseus SDK client (this server and stock Colyseus). It taps the raw
 * frames before the SDK sees them: every client counts bytes, update gaps and
 * input acks (the TIMED patch header); a light client never hands a state
 * frame to the SDK's decoder, a probe hands it everything and reads the
 * decoded state (as loadtest/bot.ts does).
 */
import { Client, type Room } from "@colyseus/sdk";
import { createFrameHeader, isStateFrame, readFrameHeader, ROOM_STATE_PATCH_CODE } from "../../frame.ts";
import type { Recorder, UpdateClock } from "../recorder.ts";
import type { BenchClient, Connector } from "./benchClient.ts";

/** Send times kept per client, in inputs (8.5 s at 30 Hz); an input acked later gives no RTT sample. */
const SENT_RING = 256;

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
    return attach(room, isProbe, recorder);
  };
};

function attach(room: Room, isProbe: boolean, recorder: Recorder): BenchClient {
  // A dropped client is counted and stays out: a reconnection would hide the drop.
  room.reconnection.enabled = false;
  room.onMessage("*", () => undefined);
  let isOpen = true;
  room.onLeave(() => {
    if (isOpen) recorder.disconnected("a client was disconnected");
    isOpen = false;
  });
  const input = room.input<InputFields>();
  const sentAtMs = new Float64Array(SENT_RING);
  const header = createFrameHeader();
  const clock: UpdateClock = { lastUpdateAtMs: 0 };
  let lastAck = 0;

  const deliver = room.connection.events.onmessage;
  room.connection.events.onmessage = (event: MessageEvent) => {
    const bytes = new Uint8Array(event.data as ArrayBuffer);
    const now = performance.now();
    readFrameHeader(bytes, header);
    recorder.countBytes(bytes.byteLength);
    let newestRtt = -1;
    if (header.isTimed) {
      const acked = Math.min(header.ackSeq, input.sentCount);
      for (let seq = Math.max(lastAck + 1, input.sentCount - SENT_RING + 1); seq <= acked; seq++) {
        newestRtt = now - sentAtMs[seq % SENT_RING]!;
        recorder.roundTrip(newestRtt);
      }
      if (acked > lastAck) lastAck = acked;
    }
    const isPatch = header.code === ROOM_STATE_PATCH_CODE;
    if (isPatch) recorder.update(clock, now, bytes.byteLength);
    if (isProbe || !isStateFrame(header.code)) {
      try {
        deliver?.(event);
      } catch (error) {
        recorder.error(`frame ${header.code} failed to decode: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (isProbe && isPatch) {
        const state = room.state as Countable | undefined;
        recorder.entities((state?.players?.size ?? 0) + (state?.projectiles?.size ?? 0));
      }
    } else if (header.isTimed) {
      // The SDK stamps each input's render time from this clock (lag compensation); feed it as decoding would.
      room.clock.sample(header.serverNowMs, newestRtt);
    }
  };

  return {
    roomId: room.roomId,
    countsBytes: true,
    get isOpen() {
      return isOpen;
    },
    send(intent) {
      if (!isOpen) return;
      const data = input.data;
      data.seq = input.sentCount + 1;
      data.moveX = intent.moveX;
      data.moveY = intent.moveY;
      data.aim = intent.aim;
      data.fire = intent.fire;
      const sentAt = performance.now();
      const seq = input.send();
      if (seq !== 0) sentAtMs[seq % SENT_RING] = sentAt;
    },
  };
}
