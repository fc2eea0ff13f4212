/**
 * LeanSocket behind the part of the browser WebSocket API that the Colyseus
 * SDK's transport uses (constructor, binaryType, on* handlers, send, close,
 * readyState), so SDK clients join and probes decode over it. The generator
 * installs it as the global WebSocket before it loads the SDK, which prefers
 * the global.
 *
 * A light client sets `interceptor` after joining: each data frame goes to
 * it first, in place and without an event object, and reaches the SDK (as a
 * copied ArrayBuffer, as `ws` would deliver it) only when it declines it.
 */
import { ABNORMAL_CLOSURE, LeanSocket } from "./leanSocket.ts";
import { OPCODE_BINARY, OPCODE_TEXT } from "./wsFrames.ts";

/**
 * Takes a binary frame first: `bytes[offset, offset + available)` is its
 * start (the whole frame when `available === length`). Returns true when it
 * handled the frame, false to hand it to the SDK (then it must have asked
 * for the whole payload through `keepsWhole`).
 */
export interface FrameInterceptor {
  keepsWhole(firstByte: number): boolean;
  take(bytes: Uint8Array, offset: number, available: number, length: number): boolean;
}

interface MessageEventLike {
  data: ArrayBuffer | string;
}

interface CloseEventLike {
  code: number;
  reason: string;
  wasClean: boolean;
}

export class LeanWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;

  readyState = LeanWebSocket.CONNECTING;
  binaryType = "arraybuffer";
  protocol = "";
  onopen: ((event: object) => void) | null = null;
  onmessage: ((event: MessageEventLike) => void) | null = null;
  onclose: ((event: CloseEventLike) => void) | null = null;
  onerror: ((event: { error: Error; message: string }) => void) | null = null;
  interceptor: FrameInterceptor | null = null;
  private socket: LeanSocket | undefined;
  private isCloseRequested = false;

  readonly url: string;

  constructor(url: string, options?: string | string[] | { headers?: Record<string, string>; protocols?: string | string[] }) {
    this.url = url;
    const isOptionsObject = typeof options === "object" && !Array.isArray(options);
    const protocols = isOptionsObject ? options.protocols : options;
    LeanSocket.open({
      url,
      headers: isOptionsObject ? options.headers : undefined,
      protocols: protocols === undefined ? undefined : typeof protocols === "string" ? [protocols] : protocols,
      keepsWhole: (opcode, firstByte) => opcode !== OPCODE_BINARY || this.interceptor === null || this.interceptor.keepsWhole(firstByte),
      onFrame: (opcode, _isFinal, bytes, offset, available, length) => this.deliver(opcode, bytes, offset, available, length),
      onClose: (code, reason) => this.closed(code, reason),
      onError: (error) => this.onerror?.({ error, message: error.message }),
    }).then((socket) => {
      this.socket = socket;
      this.protocol = socket.protocol;
      if (this.isCloseRequested) {
        socket.close();
        return;
      }
      this.readyState = LeanWebSocket.OPEN;
      this.onopen?.({});
    }, (error: Error) => {
      this.onerror?.({ error, message: error.message });
      this.closed(ABNORMAL_CLOSURE, error.message);
    });
  }

  /** As `ws`: throws while connecting, drops the data once closing. */
  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this.readyState === LeanWebSocket.CONNECTING) throw new Error("WebSocket is not open: readyState 0 (CONNECTING)");
    if (this.socket === undefined || this.readyState !== LeanWebSocket.OPEN) return;
    if (typeof data === "string") this.socket.send(OPCODE_TEXT, Buffer.from(data, "utf8"));
    else if (data instanceof ArrayBuffer) this.socket.send(OPCODE_BINARY, new Uint8Array(data));
    else this.socket.send(OPCODE_BINARY, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** The underlying socket once open, for a light client's own sends. */
  get lean(): LeanSocket | undefined {
    return this.socket;
  }

  close(code?: number, reason?: string): void {
    if (this.readyState >= LeanWebSocket.CLOSING) return;
    this.readyState = LeanWebSocket.CLOSING;
    this.isCloseRequested = true;
    this.socket?.close(code, reason);
  }

  private deliver(opcode: number, bytes: Uint8Array, offset: number, available: number, length: number): void {
    if (opcode === OPCODE_BINARY && this.interceptor?.take(bytes, offset, available, length) === true) return;
    if (available !== length) throw new Error("a frame reached the SDK without its payload (the interceptor declined a frame it did not keep)");
    const data = opcode === OPCODE_TEXT
      ? Buffer.from(bytes.buffer, bytes.byteOffset + offset, length).toString("utf8")
      : bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + length) as ArrayBuffer;
    this.onmessage?.({ data });
  }

  private closed(code: number, reason: string): void {
    if (this.readyState === LeanWebSocket.CLOSED) return;
    this.readyState = LeanWebSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: code !== ABNORMAL_CLOSURE });
  }
}
