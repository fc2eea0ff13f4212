import type { Client, Presence } from "@colyseus/core";
import {
  ANNOUNCEMENT_CHANNEL, playerChannel, roomTypeChannel,
  type Announcement, type DirectMessage, type RoomTypeEvent,
} from "./channels.ts";

export type DmOutcome = { delivered: true } | { delivered: false; reason: "not online" };

/**
 * A room's side of cross-process messaging: it subscribes for its players'
 * direct messages, for announcements and for events of rooms of its type, and
 * relays them to its clients. Only presence is used, so it works the same
 * embedded and across processes.
 */
export class PlayerMessaging {
  private readonly presence: Presence;
  private readonly roomName: string;
  private readonly clientOf: (sessionId: string) => Client | undefined;
  private readonly broadcast: (type: string, message: unknown) => void;
  private readonly playerHandlers = new Map<string, (message: DirectMessage) => void>();
  /** Per-sender chains: a sender's DMs are published in the order they were sent. */
  private readonly sendChains = new Map<string, Promise<unknown>>();
  private readonly onAnnouncement = (message: Announcement) => this.broadcast("announcement", message);
  private readonly onRoomTypeEvent = (event: RoomTypeEvent) => this.broadcast("feed", event);

  constructor(
    presence: Presence,
    roomName: string,
    clientOf: (sessionId: string) => Client | undefined,
    broadcast: (type: string, message: unknown) => void,
  ) {
    this.presence = presence;
    this.roomName = roomName;
    this.clientOf = clientOf;
    this.broadcast = broadcast;
  }

  async start(): Promise<void> {
    await this.presence.subscribe(ANNOUNCEMENT_CHANNEL, this.onAnnouncement);
    await this.presence.subscribe(roomTypeChannel(this.roomName), this.onRoomTypeEvent);
  }

  async addPlayer(playerId: string, sessionId: string): Promise<void> {
    const handler = (message: DirectMessage) => this.clientOf(sessionId)?.send("dm", message);
    this.playerHandlers.set(playerId, handler);
    await this.presence.subscribe(playerChannel(playerId), handler);
  }

  removePlayer(playerId: string): void {
    const handler = this.playerHandlers.get(playerId);
    if (handler === undefined) return;
    this.playerHandlers.delete(playerId);
    this.sendChains.delete(playerId);
    this.presence.unsubscribe(playerChannel(playerId), handler);
  }

  /** Sends a direct message to a player in any room on any process; "not online" when nobody listens for it. */
  sendDirect(to: string, message: DirectMessage): Promise<DmOutcome> {
    const previous = this.sendChains.get(message.from) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(async (): Promise<DmOutcome> => {
      const listening = await this.presence.channels(playerChannel(to));
      if (listening.length === 0) return { delivered: false, reason: "not online" };
      await this.presence.publish(playerChannel(to), message);
      return { delivered: true };
    });
    this.sendChains.set(message.from, next);
    return next;
  }

  publishRoomTypeEvent(event: RoomTypeEvent): void {
    void this.presence.publish(roomTypeChannel(this.roomName), event);
  }

  stop(): void {
    for (const playerId of [...this.playerHandlers.keys()]) this.removePlayer(playerId);
    this.presence.unsubscribe(ANNOUNCEMENT_CHANNEL, this.onAnnouncement);
    this.presence.unsubscribe(roomTypeChannel(this.roomName), this.onRoomTypeEvent);
  }
}
