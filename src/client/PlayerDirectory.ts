import type { Recipient } from "./chatCommand.ts";

/**
 * Names of every player this client has come across (in view, in a whisper,
 * in the kill feed), by session id: players leave the view (interest
 * management) but are still named in the kill feed and can still be whispered to.
 */
export class PlayerDirectory {
  private readonly names = new Map<string, string>();

  remember(sessionId: string, name: string): void {
    this.names.set(sessionId, name);
  }

  nameOf(sessionId: string): string {
    return this.names.get(sessionId) ?? `player-${sessionId.slice(0, 4)}`;
  }

  /** Everyone known but `ownId`: who a whisper can be addressed to. */
  recipients(ownId: string): Recipient[] {
    return [...this.names].filter(([id]) => id !== ownId).map(([sessionId, name]) => ({ sessionId, name }));
  }
}
