import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { LeanWebSocket } from "./leanWebSocket.ts";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A `ws` server that greets each connection with `greeting` frames as soon as it opens. */
async function startServer(greeting: (Buffer | string)[], onConnection: (socket: WebSocket) => void = () => undefined): Promise<string> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on("connection", (socket) => {
    for (const frame of greeting) socket.send(frame);
    onConnection(socket);
  });
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  cleanups.push(async () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/`;
}

/** Everything a LeanWebSocket tells its user, in order. */
function observe(socket: LeanWebSocket) {
  const events: string[] = [];
  socket.onopen = () => events.push("open");
  socket.onmessage = ({ data }) => events.push(typeof data === "string" ? `text ${data}` : `binary ${Buffer.from(data).toString("hex")}`);
  socket.onclose = ({ code }) => events.push(`close ${code}`);
  cleanups.push(() => socket.close());
  return events;
}

describe("LeanWebSocket (the SDK's view of a lean socket)", () => {
  it("opens before it delivers what the server sent at once, as ArrayBuffers and strings", async () => {
    const url = await startServer([Buffer.from([1, 2, 3]), "hi"]);
    const socket = new LeanWebSocket(url);
    const events = observe(socket);
    await vi.waitFor(() => expect(events).toEqual(["open", "binary 010203", "text hi"]));
    expect(socket.readyState).toBe(LeanWebSocket.OPEN);
  });

  it("lets an interceptor take binary frames in place, and hands the SDK the ones it declines", async () => {
    const url = await startServer([Buffer.from([9, 9]), Buffer.from([1, 2, 3])]);
    const socket = new LeanWebSocket(url);
    const taken: string[] = [];
    socket.interceptor = {
      keepsWhole: (firstByte) => firstByte !== 9,
      take(bytes, offset, available) {
        taken.push(Buffer.from(bytes.subarray(offset, offset + available)).toString("hex"));
        return bytes[offset] === 9;
      },
    };
    const events = observe(socket);
    await vi.waitFor(() => expect(events).toEqual(["open", "binary 010203"]));
    expect(taken).toEqual(["0909", "010203"]);
  });

  it("sends what the SDK sends, and reports the server's close code", async () => {
    const received: string[] = [];
    let server: WebSocket | undefined;
    const url = await startServer([], (socket) => {
      server = socket;
      socket.on("message", (data: Buffer, isBinary) => received.push(isBinary ? data.toString("hex") : data.toString()));
    });
    const socket = new LeanWebSocket(url, { headers: { "X-Test": "1" } });
    const events = observe(socket);
    expect(() => socket.send("too early")).toThrow(/CONNECTING/);
    await vi.waitFor(() => expect(events).toEqual(["open"]));
    socket.send(Uint8Array.of(0xab, 0xcd).subarray(1));
    socket.send(Uint8Array.of(7).buffer);
    socket.send("text");
    await vi.waitFor(() => expect(received).toEqual(["cd", "07", "text"]));
    server!.close(4000, "done");
    await vi.waitFor(() => expect(events).toEqual(["open", "close 4000"]));
    socket.send("after close: dropped, as ws does");
  });

  it("closes with 1006 when the connection fails", async () => {
    const socket = new LeanWebSocket("ws://127.0.0.1:1/");
    const events = observe(socket);
    await vi.waitFor(() => expect(events).toEqual(["close 1006"]));
  });
});
