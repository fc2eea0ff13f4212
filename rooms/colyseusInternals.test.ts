import { readFileSync } from "node:fs";
import { Socket, type AddressInfo } from "node:net";
import { matchMaker, Protocol, Room, Server, type Client, type ClientPrivate, type Serializer } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { $changes, Encoder, schema, t, type SchemaType } from "@colyseus/schema";
import { Client as SdkClient, type Room as SdkRoom } from "@colyseus/sdk";
import { WebSocketClient, WebSocketTransport } from "@colyseus/ws-transport";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { WebSocket } from "ws";
import {
  CHECKED_VERSIONS, encoderRefCountsOf, forgetFailedListingReads, interceptFrames, markForFullResend, processChannelOf,
  receivedInputCount, refIdOf, subscriberConnectionOf, upgradedSocketOf, webSocketOf, wrapMatchmakingCalls,
  type FrameDispatcher, type MatchmakingCall,
} from "./colyseusInternals.ts";

/** The failure message for an internal that no longer behaves as rooms/colyseusInternals.ts expects. */
function changed(internal: string, pkg: keyof typeof CHECKED_VERSIONS): string {
  return `${internal} no longer works as rooms/colyseusInternals.ts expects (checked against ${pkg} ${CHECKED_VERSIONS[pkg]}): ` +
    "find its replacement in the new sources and update the adapter";
}

const ProbeState = schema({ count: t.uint8().default(0) }, "ProbeState");
type ProbeState = SchemaType<typeof ProbeState>;
const ProbeInput = schema({ seq: t.uint32().default(0) }, "ProbeInput");
type ProbeInput = SchemaType<typeof ProbeInput>;

/** A room that uses every room-side internal the way ArenaRoom does. */
class ProbeRoom extends Room<{ state: ProbeState; input: ProbeInput }> {
  state = new ProbeState();
  inputs = this.defineInput(ProbeInput, { seqField: "seq" });
  messages = { hello: (client: Client) => this.greeted.push(client.sessionId) };
  readonly frameCodes: number[] = [];
  readonly greeted: string[] = [];
  serializer?: Serializer<ProbeState>;

  onCreate() {
    interceptFrames(this, (dispatch): FrameDispatcher => (client, frame) => {
      this.frameCodes.push(frame[0]!);
      dispatch(client, frame);
    });
  }

  override setSerializer(serializer: Serializer<ProbeState>): void {
    this.serializer = serializer;
    super.setSerializer(serializer);
  }
}

const UNDECODABLE = "an input that does not decode";
/** Colyseus' console logging, less the error it logs for the input this file makes undecodable. */
const coreLogger = {
  ...console,
  error: (...args: unknown[]) => {
    if (!String(args[0]).includes(UNDECODABLE)) console.error(...args);
  },
};
const matchmakingCalls: { method: string; roomName: string; hasHeaders: boolean }[] = [];
let server: Server;
let sdk: SdkClient;
const sdkRooms: SdkRoom[] = [];

beforeAll(async () => {
  server = new Server({ transport: new WebSocketTransport(), greet: false, gracefullyShutdown: false, logger: coreLogger });
  server.define("probe", ProbeRoom);
  wrapMatchmakingCalls((call: MatchmakingCall): MatchmakingCall => async (...args) => {
    matchmakingCalls.push({ method: args[0], roomName: args[1], hasHeaders: typeof args[3]?.headers?.get === "function" });
    return call(...args);
  });
  await server.listen(0, "127.0.0.1");
  sdk = new SdkClient(`ws://127.0.0.1:${(server.transport.server!.address() as AddressInfo).port}`);
});
afterAll(async () => {
  await Promise.all(sdkRooms.filter((room) => room.connection.isOpen).map((room) => room.leave()));
  await server.gracefullyShutdown(false);
});

/** A new probe room with one real SDK client in it, and that client as the room sees it. */
async function probeWithClient() {
  const sdkRoom = await sdk.create("probe");
  sdkRooms.push(sdkRoom);
  const room = matchMaker.getLocalRoomById(sdkRoom.roomId) as ProbeRoom;
  await vi.waitFor(() => expect(room.clients.getById(sdkRoom.sessionId)).toBeDefined());
  return { sdkRoom, room, client: room.clients.getById(sdkRoom.sessionId)! };
}

describe("the Colyseus internals rooms/colyseusInternals.ts relies on", () => {
  it("are those of the installed versions", () => {
    for (const [name, checked] of Object.entries(CHECKED_VERSIONS)) {
      const installed = (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), "utf8")) as { version: string }).version;
      expect(installed, `${name} ${installed} is installed, but rooms/colyseusInternals.ts was checked against ${checked}: ` +
        "re-check every function there against the new sources, then update CHECKED_VERSIONS").toBe(checked);
    }
  });

  it("matchmaking: every request goes through the controller's invokeMethod, with its headers", async () => {
    await probeWithClient();
    expect(matchmakingCalls, changed("matchMaker.controller.invokeMethod", "@colyseus/core"))
      .toContainEqual({ method: "create", roomName: "probe", hasHeaders: true });
  });

  it("Room._onMessage: every frame of a joined client passes through interceptFrames, then reaches the room", async () => {
    const { sdkRoom, room, client } = await probeWithClient();
    sdkRoom.send("hello", {});
    await vi.waitFor(() => expect(room.greeted, changed("Room._onMessage", "@colyseus/core")).toContain(client.sessionId));
    expect(room.frameCodes, changed("Room._onMessage", "@colyseus/core")).toContain(Protocol.ROOM_DATA);
  });

  it("ClientPrivate._receivedInputCount counts the reliable inputs that decode, and only those", async () => {
    const { sdkRoom, room, client } = await probeWithClient();
    const message = changed("ClientPrivate._receivedInputCount", "@colyseus/core");
    const inputFrames = () => room.frameCodes.filter((code) => (code & 0x1f) === Protocol.ROOM_INPUT_RELIABLE).length;
    expect(receivedInputCount(client)).toBe(0);
    const input = sdkRoom.input();
    (input.data as ProbeInput).seq = 1;
    input.send();
    await vi.waitFor(() => expect(receivedInputCount(client), message).toBe(1));
    // The next input fails to decode: core logs it and moves on, and must leave the count as it was.
    const decoder = (client as Client & ClientPrivate)._inputDecoder!;
    decoder.decode = () => {
      throw new Error(UNDECODABLE);
    };
    (input.data as ProbeInput).seq = 2;
    input.send();
    await vi.waitFor(() => expect(inputFrames()).toBe(2));
    expect(receivedInputCount(client), message).toBe(1);
  });

  it("core installs a room's serializer through the public setSerializer, which encodes a client's full state", async () => {
    const { room, client } = await probeWithClient();
    expect(room.serializer, "core no longer calls Room.setSerializer when the state is assigned: ArenaRoom.fullStateBytes " +
      `would fall back to the view-less size (checked against @colyseus/core ${CHECKED_VERSIONS["@colyseus/core"]})`).toBeDefined();
    expect(room.serializer!.getFullState(client).byteLength).toBeGreaterThan(0);
  });

  it("client.ref is the ws socket, on the TCP socket the HTTP server upgraded (ws' _socket)", async () => {
    const { client } = await probeWithClient();
    expect(client, changed("the WebSocket transport's client class", "@colyseus/ws-transport")).toBeInstanceOf(WebSocketClient);
    const socket = webSocketOf(client);
    expect(socket, changed("WebSocketClient.ref", "@colyseus/ws-transport")).toBeInstanceOf(WebSocket);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(typeof socket.bufferedAmount).toBe("number");
    const tcp = upgradedSocketOf(client);
    expect(tcp, changed("WebSocket._socket", "ws")).toBeInstanceOf(Socket);
    expect(tcp!.remoteAddress).toBe("127.0.0.1");
    expect(tcp!.bytesWritten, changed("WebSocket._socket", "ws")).toBeGreaterThan(0);
  });

  it("schema: the encoder's Root.refCount, $refId and ChangeTree.needsRestage", () => {
    const Holder = schema({ items: t.map(ProbeInput) }, "Holder");
    const holder = new Holder();
    const encoder = new Encoder(holder);
    const item = new ProbeInput();
    holder.items.set("a", item);
    encoder.encode({ offset: 0 });
    const refId = refIdOf(item);
    expect(refId, changed("$refId", "@colyseus/schema")).toBeTypeOf("number");
    expect(encoderRefCountsOf(holder.items)?.[refId!], changed("Root.refCount", "@colyseus/schema")).toBe(1);
    expect(encoderRefCountsOf(holder), changed("Root.refCount", "@colyseus/schema")).toBe(encoderRefCountsOf(holder.items));
    markForFullResend(item);
    expect(item[$changes]?.needsRestage, changed("ChangeTree.needsRestage", "@colyseus/schema")).toBe(true);
  });

  it("core's process channel: each process listens on it under the name processChannelOf gives", async () => {
    const listening = await matchMaker.presence.channels(processChannelOf("*"));
    expect(listening, changed("getProcessChannel (the p:<processId> channel)", "@colyseus/core")).toContain(processChannelOf(matchMaker.processId));
  });

  it("RedisPresence.sub: the presence's own subscriber connection", async () => {
    const publisher = new Redis({ lazyConnect: true });
    const presence = new RedisPresence(publisher);
    const subscriber = subscriberConnectionOf(presence);
    expect(subscriber, changed("RedisPresence.sub", "@colyseus/redis-presence")).toBeInstanceOf(Redis);
    expect(subscriber).not.toBe(publisher);
    subscriber.disconnect();
    publisher.disconnect();
  });

  it("RedisDriver.getRooms: a failed listings read stays shared, unless forgetFailedListingReads forgets it", async () => {
    /** A driver whose every listings read fails at once, without a network. */
    const failingDriver = () => {
      const client = new Redis({ lazyConnect: true });
      client.hgetall = (() => Promise.reject(new Error("Command timed out"))) as unknown as Redis["hgetall"];
      return new RedisDriver(client);
    };
    type Shared = { _concurrentRoomCacheRequest?: unknown; _roomCacheRequestByName: Record<string, unknown> };

    const unpatched = failingDriver();
    await expect(unpatched.query({})).rejects.toThrow("Command timed out");
    expect((unpatched as unknown as Shared)._concurrentRoomCacheRequest, "RedisDriver now forgets a failed listings read itself " +
      "(or no longer shares it in _concurrentRoomCacheRequest): remove forgetFailedListingReads, or update it").toBeDefined();

    const patched = forgetFailedListingReads(failingDriver());
    await expect(patched.query({})).rejects.toThrow("Command timed out");
    const shared = patched as unknown as Shared;
    expect(shared._concurrentRoomCacheRequest, changed("RedisDriver._concurrentRoomCacheRequest", "@colyseus/redis-driver")).toBeUndefined();
    expect(shared._roomCacheRequestByName, changed("RedisDriver._roomCacheRequestByName", "@colyseus/redis-driver")).toEqual({});
  });
});
