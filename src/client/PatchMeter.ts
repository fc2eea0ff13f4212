import { Protocol, type Room } from "@colyseus/sdk";

/** The low five bits of a frame's first byte are the protocol code; the high bits are modifiers (TIMED etc.). */
const PROTOCOL_CODE_MASK = 0x1f;
/** Window over which rates are measured. */
const WINDOW_MS = 1_000;
/** Patch sizes kept for the debug graph. */
const HISTORY = 120;

/**
 * Counts the state patches (and their bytes) arriving on a room's socket, by
 * observing the frames before the SDK decodes them. Survives reconnections:
 * the SDK reconnects through the same Connection and its event table.
 */
export class PatchMeter {
  /** Sizes (bytes) of the most recent patches, oldest first. */
  readonly sizes: number[] = [];
  private readonly arrivals: { atMs: number; bytes: number }[] = [];
  private totalBytes = 0;

  attach(room: Room): void {
    const events = room.connection.events;
    const decode = events.onmessage;
    events.onmessage = (event: MessageEvent) => {
      if (event.data instanceof ArrayBuffer && event.data.byteLength > 0) {
        const code = new Uint8Array(event.data, 0, 1)[0]! & PROTOCOL_CODE_MASK;
        if (code === Protocol.ROOM_STATE_PATCH) this.record(event.data.byteLength);
      }
      decode?.(event);
    };
  }

  patchesPerSecond(nowMs: number): number {
    this.trim(nowMs);
    return this.arrivals.length * (1000 / WINDOW_MS);
  }

  bytesPerSecond(nowMs: number): number {
    this.trim(nowMs);
    return this.arrivals.reduce((sum, a) => sum + a.bytes, 0) * (1000 / WINDOW_MS);
  }

  get bytesTotal(): number {
    return this.totalBytes;
  }

  private record(bytes: number): void {
    const atMs = performance.now();
    this.arrivals.push({ atMs, bytes });
    this.sizes.push(bytes);
    if (this.sizes.length > HISTORY) this.sizes.shift();
    this.totalBytes += bytes;
    this.trim(atMs);
  }

  private trim(nowMs: number): void {
    while (this.arrivals.length > 0 && nowMs - this.arrivals[0]!.atMs > WINDOW_MS) this.arrivals.shift();
  }
}
