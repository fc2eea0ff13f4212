import type { Socket } from "node:net";
import { matchMaker, type Client, type ClientPrivate, type Room } from "@colyseus/core";
import type { RedisDriver } from "@colyseus/redis-driver";
import type { RedisPresence } from "@colyseus/redis-presence";
import { $changes, $refId } from "@colyseus/schema";
import type { Redis } from "ioredis";
import type WebSocket from "ws";

/**
 * Every use this server makes of Colyseus internals, in one file: undocumented, unexported or
 * private members for which Colyseus 0.18 offers no public API. Each function says what it
 * reaches and why the server needs it; nothing else in src/ or rooms/ reaches past the public API.
 *
 * Checked against the versions below (the sources in node_modules). Any release may move these:
 * rooms/colyseusInternals.test.ts exercises each one on real instances and fails naming the
 * internal that changed, and fails on any other installed version until someone re-checks
 * every function here against its sources and updates this list.
 */
export const CHECKED_VERSIONS = {
  "@colyseus/core": "0.18.17",
  "@colyseus/ws-transport": "0.18.4",
  "@colyseus/schema": "5.0.34",
  "@colyseus/redis-driver": "0.18.3",
  "@colyseus/redis-presence": "0.18.5",
  ws: "8.23.0",
} as const;

/** Colyseus' handler of one client frame: decodes it and dispatches it to the room. */
export type FrameDispatcher = (client: Client, frame: Buffer) => void;

interface RoomPrivate {
  _onMessage: FrameDispatcher;
}

/**
 * Puts `wrap` between a client's socket and the room's frame dispatch (core's private
 * `Room._onMessage`). Needed because core drops an unknown frame type silently, logs an input
 * that does not decode and moves on, and lets a throw escape the socket's event handler; no
 * public hook sees a frame before dispatch. Core binds `_onMessage` to each client's socket
 * when its join completes: call this in `onCreate`.
 */
export function interceptFrames(room: Room, wrap: (dispatch: FrameDispatcher) => FrameDispatcher): void {
  const internals = room as unknown as RoomPrivate;
  // A room that cannot police its clients must not open: refuse it, naming what changed.
  if (typeof internals._onMessage !== "function") {
    throw new Error(`Room._onMessage is gone (rooms/colyseusInternals.ts was checked against @colyseus/core ${CHECKED_VERSIONS["@colyseus/core"]})`);
  }
  internals._onMessage = wrap(internals._onMessage.bind(room));
}

/**
 * Reliable inputs from this client that decoded (core's private `_receivedInputCount`): core
 * counts an input only once it decodes, so a frame that leaves the count unchanged did not.
 */
export function receivedInputCount(client: Client): number {
  return (client as Client & ClientPrivate)._receivedInputCount ?? 0;
}

/**
 * The `ws` socket behind a client. Public API of @colyseus/ws-transport (`WebSocketClient.ref`),
 * but core types `Client.ref` as an EventEmitter: this is the one cast to the transport's socket.
 */
export function webSocketOf(client: Client): WebSocket {
  return client.ref as WebSocket;
}

/**
 * The TCP socket a client's WebSocket runs on (ws' private `_socket`; undefined once ws lets go
 * of it): the one the HTTP server saw upgraded, which tells the client's address, and the one
 * that counts the bytes written to the client. Neither ws nor Colyseus exposes either figure.
 */
export function upgradedSocketOf(client: Client): Socket | undefined {
  return (webSocketOf(client) as WebSocket & { _socket?: Socket | null })._socket ?? undefined;
}

/** One matchmaking call (`POST /matchmake/:method/:roomName`), as Colyseus' controller answers it. */
export type MatchmakingCall = typeof matchMaker.controller.invokeMethod;

/**
 * Wraps every matchmaking call: `wrap` receives the current handler and returns the one that
 * answers from now on, so the last one installed runs outermost. Colyseus answers
 * /matchmake itself, before any express middleware, and calls no hook that sees every request
 * with its headers and its outcome; the exported controller's `invokeMethod` is the one entry
 * point of those requests, but replacing it is not documented.
 */
export function wrapMatchmakingCalls(wrap: (call: MatchmakingCall) => MatchmakingCall): void {
  const controller = matchMaker.controller;
  controller.invokeMethod = wrap(controller.invokeMethod.bind(controller));
}

/**
 * The encoder's reference counts by refId (schema's undocumented `Root.refCount`), reached from
 * any instance or collection it tracks; undefined for one it does not.
 */
export function encoderRefCountsOf(tracked: object): Record<number, number> | undefined {
  return tracked[$changes]?.root?.refCount;
}

/** The refId the encoder numbered `tracked` with (schema's `$refId`), if it did. */
export function refIdOf(tracked: object): number | undefined {
  return (tracked as { [$refId]?: number })[$refId];
}

/** Makes the encoder send `tracked` whole the next time it is added (schema's undocumented `ChangeTree.needsRestage`). */
export function markForFullResend(tracked: object): void {
  const changes = tracked[$changes];
  if (changes !== undefined) changes.needsRestage = true;
}

/**
 * The presence channel core subscribes each process to for remote room creation and health
 * checks (its unexported `getProcessChannel`). The stale-process sweep lists these channels to
 * tell a process that stopped listening from one whose heartbeat is merely late.
 */
export function processChannelOf(processId: string): string {
  return `p:${processId}`;
}

/**
 * The presence's subscriber connection (RedisPresence's protected `sub`), which carries every
 * cross-process message: a connection health watch must cover it too, and nothing exposes it.
 */
export function subscriberConnectionOf(presence: RedisPresence): Redis {
  return (presence as unknown as { sub: Redis }).sub;
}

/** RedisDriver's private sharing of one listings read among concurrent calls. */
interface SharedListingReads {
  _concurrentRoomCacheRequest?: Promise<unknown>;
  _roomCacheRequestByName: Record<string, Promise<unknown> | undefined>;
  getRooms(roomName?: string): Promise<unknown>;
}

/**
 * RedisDriver shares one in-flight read of the listings among concurrent matchmaking calls
 * (private `getRooms`), and forgets it only when it succeeds: one failed read (a command
 * timeout) was handed to every later call, and matchmaking answered 503 forever after Redis
 * came back. This forgets a failed read too.
 */
export function forgetFailedListingReads(driver: RedisDriver): RedisDriver {
  const shared = driver as unknown as SharedListingReads;
  const getRooms = shared.getRooms.bind(driver);
  shared.getRooms = (roomName) => {
    const read = getRooms(roomName);
    const key = String(roomName);
    const sharedRead = shared._concurrentRoomCacheRequest;
    return read.catch((error: unknown) => {
      // Only if still the failed one: a caller may already have started a fresh read.
      if (shared._roomCacheRequestByName[key] === read) delete shared._roomCacheRequestByName[key];
      if (shared._concurrentRoomCacheRequest === sharedRead) shared._concurrentRoomCacheRequest = undefined;
      throw error;
    });
  };
  return driver;
}
