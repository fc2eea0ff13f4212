import type { Recipient } from "./chatCommand.ts";

/**
 * Names of every player this client has come across (in view, in a whisper,
 * in the kill feed): players leave the view (interest management) but are
 * still named in the kill feed and can still be whispered to. Kills name
 * players by session id; whispers address them by player id (the join
 * token's subject; the session id again in anonymous play).
 */
export class PlayerDirectory {
  /** sessionId -> name. */
  private readonly names = new Map<string, string>();
  /** playerId -> name. */
  private readonly addresses = new Map<string, string>();

  /** A player seen in the state. */
  remember(sessionId: string, player: { playerId: string; name: string }): void {
    this.names.set(sessionId, player.name);
    this.addresses.set(player.playerId, player.name);
  }

  /** A player who whispered to this client: known by its player id only. */
  rememberSender(sender: Recipient): void {
    this.addresses.set(sender.playerId, sender.name);
  }

  nameOf(sessionId: string): string {
    return this.names.get(sessionId) ?? `player-${sessionId.slice(0, 4)}`;
  }

  /** Everyone known but `ownPlayerId`: who a whisper can be addressed to. */
  recipients(ownPlayerId: string): Recipient[] {
    return [...this.addresses].filter(([id]) => id !== ownPlayerId).map(([playerId, name]) => ({ playerId, name }));
  }
}
