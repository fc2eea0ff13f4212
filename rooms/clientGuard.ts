import { Protocol, type Client } from "@colyseus/core";
import type { Logger } from "pino";
import { CLOSE_CODES } from "../src/closeCodes.ts";
import { limitKeyOf } from "../src/clientAddress.ts";
import { LogThrottle } from "../src/logThrottle.ts";
import { receivedInputCount, webSocketOf, type FrameDispatcher } from "./colyseusInternals.ts";
import type { RoomStats } from "./roomStats.ts";

/** Frame types a client may send; anything else is garbage. */
const CLIENT_FRAME_CODES: ReadonlySet<number> = new Set([
  Protocol.JOIN_ROOM, Protocol.LEAVE_ROOM, Protocol.ROOM_DATA, Protocol.ROOM_DATA_BYTES, Protocol.PING,
  Protocol.ROOM_INPUT_RELIABLE, Protocol.ROOM_INPUT_UNRELIABLE, Protocol.ROOM_REQUEST,
]);
const INPUT_FRAME_CODES: ReadonlySet<number> = new Set([Protocol.ROOM_INPUT_RELIABLE, Protocol.ROOM_INPUT_UNRELIABLE]);
const CODE_MASK = 0x1f;

/**
 * Checks every frame before Colyseus dispatches it: unknown frame types,
 * input frames that do not decode, and anything that throws while being
 * dispatched are refused (Colyseus would otherwise drop them silently, or let
 * the throw escape the socket's event handler). Returns the guarded dispatcher.
 * `checkInputDecodes` must be off under Colyseus' simulated latency
 * (COLYSEUS_LATENCY), which decodes frames later, on a timer.
 */
export function guardFrames(deliver: FrameDispatcher, refuse: (client: Client, reason: string) => void, checkInputDecodes: boolean): FrameDispatcher {
  return (client, buffer) => {
    const code = (buffer?.[0] ?? -1) & CODE_MASK;
    if (!Buffer.isBuffer(buffer) || buffer.length === 0 || !CLIENT_FRAME_CODES.has(code)) {
      refuse(client, "unknown frame type");
      return;
    }
    const inputsBefore = receivedInputCount(client);
    try {
      deliver(client, buffer);
    } catch {
      refuse(client, "frame does not decode");
      return;
    }
    // Colyseus logs an input that fails to decode and moves on; we close its sender.
    if (checkInputDecodes && INPUT_FRAME_CODES.has(code) && receivedInputCount(client) === inputsBefore) {
      refuse(client, "input does not decode");
    }
  };
}

/** The `ws` socket behind a Colyseus client: how much it has queued and not yet written. */
function sendBufferBytes(client: Client): number {
  return webSocketOf(client).bufferedAmount;
}

/** Ends a socket outright, for a client that does not read its close frame either. */
function terminate(client: Client): void {
  webSocketOf(client).terminate();
}

/** Shared by every room of the process: one address opening many sockets still gets a few lines a minute. */
const WARNINGS_PER_ADDRESS = new LogThrottle(5);

/** A client closed on purpose (slow, replaced) gets this long to take the close frame before its socket is ended. */
const SLOW_CLIENT_GRACE_MS = 1_000;

/**
 * The room's clients policed: closes clients that send invalid frames or do
 * not read, and remembers them, so their drop holds no seat for a reconnection.
 */
export class ClientGuard {
  private readonly maxClientBufferBytes: number;
  private readonly log: Logger;
  private readonly stats: RoomStats;
  private readonly later: (run: () => void, ms: number) => void;
  private readonly closedOnPurpose = new Set<string>();
  private readonly addressOf: (client: Client) => string | undefined;

  constructor(
    maxClientBufferBytes: number, log: Logger, stats: RoomStats, later: (run: () => void, ms: number) => void,
    addressOf: (client: Client) => string | undefined,
  ) {
    this.maxClientBufferBytes = maxClientBufferBytes;
    this.log = log;
    this.stats = stats;
    this.later = later;
    this.addressOf = addressOf;
  }

  /** Closes a client for an invalid frame. Frames it sent before the close lands are dropped unlogged. */
  readonly refuse = (client: Client, reason: string): void => {
    if (this.closedOnPurpose.has(client.sessionId)) return;
    this.closedOnPurpose.add(client.sessionId);
    this.stats.noteRefused();
    this.warn(client, { event: "client_refused", sessionId: client.sessionId, reason }, "invalid frame, client closed");
    client.leave(CLOSE_CODES.INVALID_MESSAGE);
  };

  /** One line per refused client, and at most a few per client address a minute across the process. */
  private warn(client: Client, fields: Record<string, unknown>, message: string): void {
    const address = this.addressOf(client);
    if (WARNINGS_PER_ADDRESS.admit(address === undefined ? "unknown" : limitKeyOf(address))) this.log.warn({ ...fields, address }, message);
  }

  /**
   * Backpressure: a client whose socket holds more unsent data than the hard
   * limit is closed, so one slow reader can neither grow memory without bound
   * nor slow the tick; past a quarter of it, it is counted as lagging.
   * Returns true when the client was closed.
   */
  closeIfTooSlow(client: Client): boolean {
    // Already closed (its leave is under way): one close and one line per client.
    if (this.closedOnPurpose.has(client.sessionId)) return true;
    const buffered = sendBufferBytes(client);
    if (buffered <= this.maxClientBufferBytes / 4) return false;
    this.stats.noteLagging(client.sessionId);
    if (buffered <= this.maxClientBufferBytes) return false;
    this.stats.noteSlowClosed();
    this.warn(client, { event: "slow_client_closed", sessionId: client.sessionId, bufferedBytes: buffered }, "client not reading, closed");
    this.closedOnPurpose.add(client.sessionId);
    client.leave(CLOSE_CODES.SLOW_CLIENT);
    this.later(() => terminate(client), SLOW_CLIENT_GRACE_MS);
    return true;
  }

  /** Closes a client for a reason of the room's own (e.g. its session was replaced): its drop holds no seat. */
  close(client: Client, code: number): void {
    this.closedOnPurpose.add(client.sessionId);
    client.leave(code);
    this.later(() => terminate(client), SLOW_CLIENT_GRACE_MS);
  }

  wasClosedOnPurpose(sessionId: string): boolean {
    return this.closedOnPurpose.has(sessionId);
  }

  forget(sessionId: string): void {
    this.closedOnPurpose.delete(sessionId);
  }
}
