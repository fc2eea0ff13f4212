import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { FrameScratch, LeanSocket, type LeanSocketOptions } from "./leanSocket.ts";
import { OPCODE_BINARY, OPCODE_TEXT, PAYLOAD_PREFIX_BYTES, SHORT_CLIENT_HEADER_BYTES } from "./wsFrames.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A `ws` server (what every bench server uses) on a free loopback port; `onConnection` gets each server-side socket. */
async function startServer(onConnection: (socket: WebSocket) => void): Promise<{ url: string; wss: WebSocketServer }> {
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server: http, path: "/room" });
  wss.on("connection", onConnection);
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  cleanups.push(() => closeServer(http, wss));
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/room`, wss };
}

async function closeServer(http: Server, wss: WebSocketServer): Promise<void> {
  for (const client of wss.clients) client.terminate();
  wss.close();
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
}

interface Received {
  opcode: number;
  length: number;
  bytes: Buffer;
}

function collector(keepsWhole: LeanSocketOptions["keepsWhole"]) {
  const frames: Received[] = [];
  const closes: [number, string][] = [];
  const options = (url: string): LeanSocketOptions => ({
    url,
    keepsWhole,
    onFrame: (opcode, _isFinal, bytes, offset, available, length) => frames.push({ opcode, length, bytes: Buffer.from(bytes.slice(offset, offset + available)) }),
    onClose: (code, reason) => closes.push([code, reason]),
  });
  return { frames, closes, options };
}

async function openLean(options: LeanSocketOptions): Promise<LeanSocket> {
  const socket = await LeanSocket.open(options);
  cleanups.push(() => socket.close());
  return socket;
}

const SIZES = [0, 5, 125, 126, 65_535, 70_000];
const payloadOf = (length: number) => Buffer.from(Array.from({ length }, (_, i) => (i * 7 + length) & 0xff));

describe("LeanSocket against a ws server", () => {
  it("receives what the server sends first, right after the upgrade, in order and whole when asked", async () => {
    const { url } = await startServer((socket) => {
      for (const size of SIZES) socket.send(payloadOf(size));
      socket.send("hello");
    });
    const seen = collector(() => true);
    await openLean(seen.options(url));
    await vi.waitFor(() => expect(seen.frames).toHaveLength(SIZES.length + 1));
    expect(seen.frames.map((f) => f.length)).toEqual([...SIZES, 5]);
    SIZES.forEach((size, i) => expect(seen.frames[i]!.bytes.equals(payloadOf(size))).toBe(true));
    expect(seen.frames.at(-1)).toMatchObject({ opcode: OPCODE_TEXT, length: 5 });
    expect(seen.frames.at(-1)!.bytes.toString()).toBe("hello");
  });

  it("hands over at least the payload's prefix when it need not keep it", async () => {
    const { url } = await startServer((socket) => {
      for (const size of SIZES) socket.send(payloadOf(size));
    });
    const seen = collector(() => false);
    await openLean(seen.options(url));
    await vi.waitFor(() => expect(seen.frames).toHaveLength(SIZES.length));
    SIZES.forEach((size, i) => {
      const bytes = seen.frames[i]!.bytes;
      expect(bytes.length).toBeGreaterThanOrEqual(Math.min(size, PAYLOAD_PREFIX_BYTES));
      expect(bytes.equals(payloadOf(size).subarray(0, bytes.length))).toBe(true);
    });
  });

  it("sends frames the server reads back exactly, from a reused scratch and as one-off frames", async () => {
    const messages: { data: Buffer; isBinary: boolean }[] = [];
    const { url } = await startServer((socket) => socket.on("message", (data: Buffer, isBinary) => messages.push({ data, isBinary })));
    const lean = await openLean(collector(() => false).options(url));
    const scratch = new FrameScratch(16);
    for (const text of ["one", "two!", "three"]) {
      scratch.bytes.write(text, SHORT_CLIENT_HEADER_BYTES, "latin1");
      lean.sendScratch(scratch, OPCODE_TEXT, text.length);
    }
    lean.send(OPCODE_BINARY, payloadOf(70_000));
    await vi.waitFor(() => expect(messages).toHaveLength(4));
    expect(messages.slice(0, 3).map((m) => [m.data.toString(), m.isBinary])).toEqual([["one", false], ["two!", false], ["three", false]]);
    expect(messages[3]!.isBinary).toBe(true);
    expect(messages[3]!.data.equals(payloadOf(70_000))).toBe(true);
  });

  it("answers the server's pings", async () => {
    let server: WebSocket | undefined;
    const pongs: Buffer[] = [];
    const { url } = await startServer((socket) => {
      server = socket;
      socket.on("pong", (data) => pongs.push(data));
    });
    await openLean(collector(() => false).options(url));
    await vi.waitFor(() => expect(server).toBeDefined());
    server!.ping(Buffer.from("are you there"));
    await vi.waitFor(() => expect(pongs.map(String)).toEqual(["are you there"]));
  });

  it("reports the server's close code and reason once, and closes with a code the server reads", async () => {
    const serverCloses: number[] = [];
    const { url } = await startServer((socket) => {
      socket.on("close", (code) => serverCloses.push(code));
      setImmediate(() => socket.close(4001, "bye"));
    });
    const seen = collector(() => false);
    const lean = await openLean(seen.options(url));
    await vi.waitFor(() => expect(seen.closes).toEqual([[4001, "bye"]]));
    expect(lean.isOpen).toBe(false);
    await vi.waitFor(() => expect(serverCloses).toEqual([4001]));
  });

  it("rejects when the server refuses the upgrade", async () => {
    const { url } = await startServer(() => undefined);
    await expect(LeanSocket.open(collector(() => false).options(url.replace("/room", "/elsewhere")))).rejects.toThrow(/upgrade/);
  });
});
