/**
 * A WebSocket client cut down to what a load generator needs, on a bare
 * `node:net` socket: its own upgrade request, reads into one buffer shared by
 * every socket of the thread (no Buffer, no stream machinery per read), frames
 * handed over in place (see wsFrames.ts), and frames written from buffers
 * the caller reuses. It answers pings and closes by itself.
 *
 * The kernel's loopback TCP path already costs several microseconds per
 * message on this machine; `ws` (and the SDK) added about as much again, and
 * a few objects, per message, which made the generator the limit of every
 * capacity search above a few hundred players.
 */
import { createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import {
  FrameReader, OPCODE_CLOSE, OPCODE_PING, OPCODE_PONG, SHORT_CLIENT_HEADER_BYTES, clientFrame, writeShortClientHeader, type KeepsWhole,
} from "./wsFrames.ts";

/** One read's worth for every socket of this thread: the handler is done with it before the next read. */
const SHARED_READ_BUFFER = new Uint8Array(65_536);
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** A longer upgrade response is not a WebSocket server's. */
const MAX_UPGRADE_RESPONSE_CHARS = 8_192;
/** Close code when the connection ends without a close frame (RFC 6455 7.1.5). */
export const ABNORMAL_CLOSURE = 1006;

export interface LeanSocketOptions {
  /** ws://host:port/path?query */
  url: string;
  headers?: Record<string, string>;
  protocols?: string[];
  /** Which data frames' whole payloads the handler needs (see wsFrames.ts). */
  keepsWhole: KeepsWhole;
  /** A data frame (text, binary or continuation); the bytes are only valid during the call. */
  onFrame(opcode: number, isFinal: boolean, bytes: Uint8Array, offset: number, available: number, length: number): void;
  /** The connection ended after it opened (called once); 1006 when no close frame came. */
  onClose(code: number, reason: string): void;
  /** A socket error after it opened (the close follows). */
  onError?(error: Error): void;
}

/**
 * A reusable buffer for outgoing frames with payloads of at most 125 bytes:
 * the caller writes the payload at SHORT_CLIENT_HEADER_BYTES, LeanSocket
 * writes the header. It keeps one view per frame length, so sending
 * allocates nothing while the socket takes each frame whole.
 */
export class FrameScratch {
  bytes: Buffer;
  private views: (Buffer | undefined)[] = [];

  constructor(maxPayloadBytes: number) {
    this.bytes = Buffer.alloc(SHORT_CLIENT_HEADER_BYTES + maxPayloadBytes);
  }

  /** The first `frameBytes` bytes. */
  view(frameBytes: number): Buffer {
    return (this.views[frameBytes] ??= this.bytes.subarray(0, frameBytes));
  }

  /** The socket still holds the last frame: write the next ones elsewhere. */
  renew(): void {
    const fresh = Buffer.alloc(this.bytes.length);
    fresh.set(this.bytes);
    this.bytes = fresh;
    this.views = [];
  }
}

export class LeanSocket {
  private isOpenNow = true;
  private isCloseSent = false;
  private readonly socket: Socket;
  private readonly options: LeanSocketOptions;
  /** The subprotocol the server chose ("" for none). */
  readonly protocol: string;

  private constructor(socket: Socket, options: LeanSocketOptions, protocol: string) {
    this.socket = socket;
    this.options = options;
    this.protocol = protocol;
  }

  get isOpen(): boolean {
    return this.isOpenNow;
  }

  /** Connects and upgrades; rejects when either fails. */
  static open(options: LeanSocketOptions): Promise<LeanSocket> {
    const url = new URL(options.url);
    if (url.protocol !== "ws:") throw new Error(`lean sockets speak ws:// only, not ${url.protocol}`);
    const key = randomBytes(16).toString("base64");
    const expectedAccept = createHash("sha1").update(key + ACCEPT_GUID).digest("base64");
    return new Promise((resolve, reject) => {
      let lean: LeanSocket | undefined;
      let reader: FrameReader | undefined;
      // Frames that come with the upgrade response wait until whoever awaits the socket has attached to it.
      let deferred: Uint8Array[] | null = null;
      let response = "";
      const fail = (error: Error) => {
        socket.destroy();
        reject(error);
      };
      const feed = (bytes: Uint8Array, start: number, end: number) => {
        try {
          reader!.push(bytes, start, end);
        } catch (error) {
          lean!.fail(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const socket = connect({
        host: url.hostname,
        port: Number(url.port || 80),
        noDelay: true,
        onread: {
          buffer: SHARED_READ_BUFFER,
          callback: (bytesRead, buffer) => {
            if (deferred !== null) {
              deferred.push(buffer.slice(0, bytesRead));
            } else if (reader !== undefined) {
              feed(buffer, 0, bytesRead);
            } else {
              upgrade(buffer, bytesRead);
            }
            return true;
          },
        },
      });
      const upgrade = (buffer: Uint8Array, bytesRead: number) => {
        response += Buffer.from(buffer.buffer, buffer.byteOffset, bytesRead).toString("latin1");
        const end = response.indexOf("\r\n\r\n");
        if (end < 0) {
          if (response.length > MAX_UPGRADE_RESPONSE_CHARS) fail(new Error("no WebSocket upgrade response"));
          return;
        }
        const head = response.slice(0, end);
        const failure = checkUpgrade(head, expectedAccept);
        if (failure !== "") {
          fail(new Error(failure));
          return;
        }
        const created = new LeanSocket(socket, options, headerValue(head, "sec-websocket-protocol") ?? "");
        lean = created;
        reader = new FrameReader((opcode, isFinal, bytes, offset, available, length) => {
          created.onFrame(opcode, isFinal, bytes, offset, available, length);
        }, options.keepsWhole);
        socket.removeAllListeners("error");
        socket.on("error", (error) => options.onError?.(error));
        socket.on("close", () => created.ended(ABNORMAL_CLOSURE, ""));
        const rest = response.length - (end + 4);
        deferred = rest > 0 ? [buffer.slice(bytesRead - rest, bytesRead)] : [];
        response = "";
        resolve(created);
        // After the awaiting code's continuations (microtasks) and before this socket's next read (a later poll phase).
        setImmediate(() => {
          const chunks = deferred ?? [];
          deferred = null;
          for (const chunk of chunks) feed(chunk, 0, chunk.byteLength);
        });
      };
      socket.once("error", fail);
      socket.once("close", () => {
        if (lean === undefined) reject(new Error("connection closed before the WebSocket upgrade"));
      });
      socket.once("connect", () => {
        const headers = { ...options.headers };
        if (options.protocols !== undefined && options.protocols.length > 0) headers["Sec-WebSocket-Protocol"] = options.protocols.join(", ");
        socket.write(
          `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
          + `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n`
          + Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("")
          + "\r\n",
        );
      });
    });
  }

  /**
   * Sends the frame whose payload (`payloadBytes` long) the caller wrote into
   * `scratch` at SHORT_CLIENT_HEADER_BYTES. No allocation unless the kernel
   * did not take the frame at once (then the scratch moves to a new buffer).
   */
  sendScratch(scratch: FrameScratch, opcode: number, payloadBytes: number): void {
    if (!this.isOpenNow) return;
    writeShortClientHeader(scratch.bytes, opcode, payloadBytes);
    this.socket.write(scratch.view(SHORT_CLIENT_HEADER_BYTES + payloadBytes));
    if (this.socket.writableLength > 0) scratch.renew();
  }

  /** Sends one frame of any size around `payload` (allocates: for handshakes and probes). */
  send(opcode: number, payload: Uint8Array): void {
    if (this.isOpenNow) this.socket.write(clientFrame(opcode, payload));
  }

  /** Sends a close frame and ends the connection; onClose follows when the server closes too. */
  close(code = 1000, reason = ""): void {
    if (!this.isOpenNow || this.isCloseSent) return;
    this.isCloseSent = true;
    const reasonBytes = Buffer.from(reason, "utf8").subarray(0, 123);
    const payload = Buffer.alloc(2 + reasonBytes.length);
    payload.writeUInt16BE(code, 0);
    payload.set(reasonBytes, 2);
    this.socket.write(clientFrame(OPCODE_CLOSE, payload));
    this.socket.end();
  }

  private onFrame(opcode: number, isFinal: boolean, bytes: Uint8Array, offset: number, available: number, length: number): void {
    if (opcode === OPCODE_PING) {
      this.send(OPCODE_PONG, bytes.slice(offset, offset + length));
    } else if (opcode === OPCODE_CLOSE) {
      const code = length >= 2 ? (bytes[offset]! << 8) | bytes[offset + 1]! : 1005;
      const reason = length > 2 ? Buffer.from(bytes.buffer, bytes.byteOffset + offset + 2, length - 2).toString("utf8") : "";
      this.close(code === 1005 ? 1000 : code);
      this.ended(code, reason);
    } else if (opcode !== OPCODE_PONG) {
      this.options.onFrame(opcode, isFinal, bytes, offset, available, length);
    }
  }

  private fail(error: Error): void {
    this.options.onError?.(error);
    this.socket.destroy();
  }

  private ended(code: number, reason: string): void {
    if (!this.isOpenNow) return;
    this.isOpenNow = false;
    this.options.onClose(code, reason);
  }
}

/** "" when `head` is a valid 101 answer to our key, else why not. */
function checkUpgrade(head: string, expectedAccept: string): string {
  const status = head.slice(0, head.indexOf("\r\n"));
  if (!/^HTTP\/1\.1 101\b/.test(status)) return `upgrade refused: ${status}`;
  if (headerValue(head, "sec-websocket-accept") !== expectedAccept) return "upgrade answered with a wrong Sec-WebSocket-Accept";
  return "";
}

function headerValue(head: string, name: string): string | undefined {
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}
