/**
 * Counters every client of the generator writes into. Only what arrives
 * while `isMeasuring` counts; the histograms cost O(1) per sample.
 */
import type { RoundTripSink } from "../frame.ts";
import { Histogram } from "../histogram.ts";
import type { GeneratorResult, Percentiles } from "./protocol.ts";

/** Distinct error messages kept: enough to say what went wrong. */
const MAX_ERRORS = 5;

/** Bytes a server-to-client WebSocket frame adds to its payload (no mask). */
function wsFrameHeaderBytes(payloadBytes: number): number {
  return payloadBytes < 126 ? 2 : payloadBytes < 65_536 ? 4 : 10;
}

/** One client's clock of its last update, kept by the client itself. */
export interface UpdateClock {
  lastUpdateAtMs: number;
}

export class Recorder implements RoundTripSink {
  isMeasuring = false;
  bytesDown = 0;
  statePayloadBytes = 0;
  stateUpdatesOfCounters = 0;
  stateUpdates = 0;
  disconnects = 0;
  entitySamples = 0;
  entitySum = 0;
  readonly errors: string[] = [];
  readonly interval = new Histogram();
  readonly rtt = new Histogram();
  readonly loopLag = new Histogram();

  /** A frame of `payloadBytes` reached a byte-counting client. */
  countBytes(payloadBytes: number): void {
    if (this.isMeasuring) this.bytesDown += payloadBytes + wsFrameHeaderBytes(payloadBytes);
  }

  /** A state update reached a client; `payloadBytes` < 0 when that client does not count bytes. */
  update(clock: UpdateClock, nowMs: number, payloadBytes: number): void {
    if (this.isMeasuring) {
      this.stateUpdates++;
      if (clock.lastUpdateAtMs > 0) this.interval.record(nowMs - clock.lastUpdateAtMs);
      if (payloadBytes >= 0) {
        this.statePayloadBytes += payloadBytes;
        this.stateUpdatesOfCounters++;
      }
    }
    clock.lastUpdateAtMs = nowMs;
  }

  entities(count: number): void {
    if (!this.isMeasuring) return;
    this.entitySamples++;
    this.entitySum += count;
  }

  roundTrip(ms: number): void {
    if (this.isMeasuring) this.rtt.record(ms);
  }

  disconnected(reason: string): void {
    this.disconnects++;
    this.error(reason);
  }

  error(message: string): void {
    if (this.errors.length < MAX_ERRORS && !this.errors.includes(message)) this.errors.push(message);
  }

  result(fields: { connected: number; measuredMs: number; byteCounters: number }, hasAcks: boolean): GeneratorResult {
    return {
      ...fields,
      bytesDown: this.bytesDown,
      statePayloadBytes: this.statePayloadBytes,
      stateUpdatesOfCounters: this.stateUpdatesOfCounters,
      stateUpdates: this.stateUpdates,
      updateIntervalMs: this.interval.count === 0 ? null : percentiles(this.interval),
      rttMs: hasAcks && this.rtt.count > 0 ? percentiles(this.rtt) : null,
      entitiesPerUpdate: this.entitySamples === 0 ? null : this.entitySum / this.entitySamples,
      inputLoopLagMs: percentiles(this.loopLag),
      disconnects: this.disconnects,
      errors: this.errors,
    };
  }
}

function percentiles(h: Histogram): Percentiles {
  return { p50: h.percentile(50), p99: h.percentile(99), max: h.percentile(100) };
}
