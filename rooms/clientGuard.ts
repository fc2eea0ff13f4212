import { Protocol, type Client } from "@colyseus/core";

/** Frame types a client may send; anything else is garbage. */
const CLIENT_FRAME_CODES: ReadonlySet<number> = new Set([
  Protocol.JOIN_ROOM, Protocol.LEAVE_ROOM, Protocol.ROOM_DATA, Protocol.ROOM_DATA_BYTES, Protocol.PING,
  Protocol.ROOM_INPUT_RELIABLE, Protocol.ROOM_INPUT_UNRELIABLE, Protocol.ROOM_REQUEST,
]);
const INPUT_FRAME_CODES: ReadonlySet<number> = new Set([Protocol.ROOM_INPUT_RELIABLE, Protocol.ROOM_INPUT_UNRELIABLE]);
const CODE_MASK = 0x1f;

type Deliver = (client: Client, buffer: Buffer) => void;

/**
 * Checks every frame before Colyseus dispatches it: unknown frame types,
 * input frames that do not decode, and anything that throws while being
 * dispatched are refused (Colyseus would otherwise drop them silently, or let
 * the throw escape the socket's event handler). Returns the guarded dispatcher.
 */
export function guardFrames(deliver: Deliver, refuse: (client: Client, reason: string) => void): Deliver {
  return (client, buffer) => {
    const code = (buffer?.[0] ?? -1) & CODE_MASK;
    if (!Buffer.isBuffer(buffer) || buffer.length === 0 || !CLIENT_FRAME_CODES.has(code)) {
      refuse(client, "unknown frame type");
      return;
    }
    const privateClient = client as Client & { _receivedInputCount?: number };
    const inputsBefore = privateClient._receivedInputCount ?? 0;
    try {
      deliver(client, buffer);
    } catch {
      refuse(client, "frame does not decode");
      return;
    }
    // Colyseus logs an input that fails to decode and moves on; we close its sender.
    if (INPUT_FRAME_CODES.has(code) && (privateClient._receivedInputCount ?? 0) === inputsBefore) {
      refuse(client, "input does not decode");
    }
  };
}

/** The `ws` socket behind a Colyseus client: how much it has queued and not yet written. */
export function sendBufferBytes(client: Client): number {
  return (client.ref as unknown as { bufferedAmount?: number }).bufferedAmount ?? 0;
}

/** Ends a socket outright, for a client that does not read its close frame either. */
export function terminate(client: Client): void {
  (client.ref as unknown as { terminate?: () => void }).terminate?.();
}
