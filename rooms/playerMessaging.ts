import { randomUUID } from "node:crypto";
import { ClientState, type Client, type Presence } from "@colyseus/core";
import {
  ANNOUNCEMENT_CHANNEL, playerChannel, quietly, replyChannel, roomTypeChannel,
  type DirectMessageAck, type DirectMessageEnvelope,
} from "./channels.ts";
import { webSocketOf } from "./colyseusInternals.ts";
import {
  DM_NOT_ONLINE, SERVER_MESSAGES,
  type Announcement, type DirectMessage, type DirectMessageDelivered, type DirectMessageRefusal, type FeedEvent,
  type ServerMessageName, type ServerMessages,
} from "./messages.ts";

export type DmOutcome = DirectMessageDelivered | { delivered: false; reason: DirectMessageRefusal };

/** A client the room's messages are typed for (the catalogue's server messages). */
type MessagedClient = Client<{ messages: ServerMessages }>;
/** Sends a catalogued message to every client of the room. */
type Broadcast = <K extends ServerMessageName>(type: K, message: ServerMessages[K]) => void;

/** How long a sender waits for the recipient's room to report the message handed to a connected client. */
const DM_ACK_TIMEOUT_MS = 2_000;

const NOT_ONLINE: DmOutcome = { delivered: false, reason: DM_NOT_ONLINE };
const WS_OPEN = 1;

/** A client that can take a message now: on an open socket, neither dropped (seat held) nor closing. */
function isConnected(client: MessagedClient): boolean {
  return client.state !== ClientState.LEAVING && client.state !== ClientState.CLOSED && webSocketOf(client).readyState === WS_OPEN;
}

interface HeldPlayer {
  sessions: Set<string>;
  onMessage: (envelope: DirectMessageEnvelope) => void;
}

/**
 * A room's side of cross-process messaging: it subscribes for its players'
 * direct messages, for announcements and for events of rooms of its type, and
 * relays them to its clients. Only presence is used, so it works the same
 * embedded and across processes.
 *
 * A direct message is a request: the recipient's room acknowledges it on the
 * sender's reply channel once a connected client has it, and only that
 * acknowledgement makes it delivered (a player whose seat is held while it
 * reconnects is not connected).
 */
export class PlayerMessaging {
  private readonly presence: Presence;
  private readonly roomName: string;
  private readonly replyTo: string;
  private readonly clientOf: (sessionId: string) => MessagedClient | undefined;
  private readonly broadcast: Broadcast;
  /** playerId -> this room's sessions of that player (more than one only while a replaced one closes). */
  private readonly players = new Map<string, HeldPlayer>();
  /** requestId -> settles the sender's request. */
  private readonly pendingAcks = new Map<string, (outcome: DmOutcome) => void>();
  /** Per-sender chains: a sender's DMs are published in the order they were sent. */
  private readonly sendChains = new Map<string, Promise<unknown>>();
  private started: Promise<unknown> = Promise.resolve();
  private readonly onAnnouncement = (message: Announcement) => this.broadcast(SERVER_MESSAGES.ANNOUNCEMENT, message);
  private readonly onFeedEvent = (event: FeedEvent) => this.broadcast(SERVER_MESSAGES.FEED, event);
  private readonly onAck = (ack: DirectMessageAck) => this.settle(ack.requestId, { delivered: true });

  constructor(
    presence: Presence,
    roomName: string,
    roomId: string,
    clientOf: (sessionId: string) => MessagedClient | undefined,
    broadcast: Broadcast,
  ) {
    this.presence = presence;
    this.roomName = roomName;
    this.replyTo = replyChannel(roomId);
    this.clientOf = clientOf;
    this.broadcast = broadcast;
  }

  start(): Promise<unknown> {
    this.started = Promise.all([
      this.presence.subscribe(ANNOUNCEMENT_CHANNEL, this.onAnnouncement),
      this.presence.subscribe(roomTypeChannel(this.roomName), this.onFeedEvent),
      this.presence.subscribe(this.replyTo, this.onAck),
    ]);
    return this.started;
  }

  async addPlayer(playerId: string, sessionId: string): Promise<void> {
    const held = this.players.get(playerId);
    if (held !== undefined) {
      held.sessions.add(sessionId);
      return;
    }
    const sessions = new Set([sessionId]);
    const onMessage = (envelope: DirectMessageEnvelope) => this.relay(sessions, envelope);
    this.players.set(playerId, { sessions, onMessage });
    await this.presence.subscribe(playerChannel(playerId), onMessage);
  }

  removePlayer(playerId: string, sessionId: string): void {
    const held = this.players.get(playerId);
    if (held === undefined) return;
    held.sessions.delete(sessionId);
    if (held.sessions.size > 0) return;
    this.players.delete(playerId);
    this.sendChains.delete(playerId);
    quietly(this.presence.unsubscribe(playerChannel(playerId), held.onMessage));
  }

  /**
   * Sends a direct message to a player in any room on any process: delivered
   * once a room acknowledges handing it to a connected client, "not online"
   * when no room holds that player or none acknowledges within DM_ACK_TIMEOUT_MS.
   */
  async sendDirect(to: string, message: DirectMessage): Promise<DmOutcome> {
    const requestId = randomUUID();
    // Registered before publishing: embedded presence acknowledges within the publish call.
    const outcome = new Promise<DmOutcome>((resolve) => this.pendingAcks.set(requestId, resolve));
    const envelope: DirectMessageEnvelope = { requestId, replyTo: this.replyTo, message };
    const previous = this.sendChains.get(message.from) ?? Promise.resolve();
    const published = previous.catch(() => undefined).then(async () => {
      await this.started;
      // Nobody holds that player: answer at once rather than at the timeout.
      if ((await this.presence.channels(playerChannel(to))).length === 0) return false;
      await this.presence.publish(playerChannel(to), envelope);
      return true;
    });
    this.sendChains.set(message.from, published);
    const isPublished = await published.catch(() => false);
    const timer = setTimeout(() => this.settle(requestId, NOT_ONLINE), isPublished ? DM_ACK_TIMEOUT_MS : 0);
    try {
      return await outcome;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Best effort: with Redis unreachable the event is lost, the game goes on. */
  publishFeedEvent(event: FeedEvent): void {
    quietly(this.presence.publish(roomTypeChannel(this.roomName), event));
  }

  stop(): void {
    for (const [playerId, held] of this.players) quietly(this.presence.unsubscribe(playerChannel(playerId), held.onMessage));
    this.players.clear();
    this.sendChains.clear();
    for (const requestId of [...this.pendingAcks.keys()]) this.settle(requestId, NOT_ONLINE);
    quietly(this.presence.unsubscribe(ANNOUNCEMENT_CHANNEL, this.onAnnouncement));
    quietly(this.presence.unsubscribe(roomTypeChannel(this.roomName), this.onFeedEvent));
    quietly(this.presence.unsubscribe(this.replyTo, this.onAck));
  }

  private relay(sessions: ReadonlySet<string>, envelope: DirectMessageEnvelope): void {
    let isDelivered = false;
    for (const sessionId of sessions) {
      const client = this.clientOf(sessionId);
      if (client === undefined || !isConnected(client)) continue;
      client.send(SERVER_MESSAGES.DIRECT_MESSAGE, envelope.message);
      isDelivered = true;
    }
    if (!isDelivered) return;
    const ack: DirectMessageAck = { requestId: envelope.requestId };
    // Lost with Redis: the sender then answers "not online" at its timeout.
    quietly(this.presence.publish(envelope.replyTo, ack));
  }

  private settle(requestId: string, outcome: DmOutcome): void {
    const resolve = this.pendingAcks.get(requestId);
    if (resolve === undefined) return;
    this.pendingAcks.delete(requestId);
    resolve(outcome);
  }
}
