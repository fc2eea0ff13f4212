import type { Presence } from "@colyseus/core";
import type { Logger } from "pino";
import { playerSessionChannel, quietly, type SessionClaim } from "./channels.ts";

interface HeldPlayer {
  /** This room's sessions of the player -> whether the session's own claim has come back yet. */
  sessions: Map<string, boolean>;
  onClaim: (claim: SessionClaim) => void;
  subscribed: Promise<unknown>;
}

/**
 * One session per signed-in player, cluster-wide. A room claims each session
 * that joins on its player's channel; every room holding an older session of
 * that player hears the claim and closes it (through `onReplaced`). Presence
 * only, so it works the same embedded and across processes.
 *
 * "Older" is the order in which claims are delivered: Redis hands every
 * subscriber the publishes in one order, embedded presence delivers at once.
 * A room subscribes before it claims, so it hears its own claim and every later
 * one; a session becomes replaceable only once its own claim has come back.
 * A claim heard before that was published earlier, by an older session, so a
 * new session is never closed by the claims it raced with: the last claim wins
 * and exactly one session survives, however the joins interleave.
 */
export class PlayerSessions {
  private readonly presence: Presence;
  private readonly log: Logger;
  private readonly onReplaced: (sessionId: string) => void;
  private readonly players = new Map<string, HeldPlayer>();

  constructor(presence: Presence, log: Logger, onReplaced: (sessionId: string) => void) {
    this.presence = presence;
    this.log = log;
    this.onReplaced = onReplaced;
  }

  /** Claims `sessionId` as `playerId`'s current session; older sessions anywhere are closed. */
  async add(playerId: string, sessionId: string): Promise<void> {
    let held = this.players.get(playerId);
    if (held === undefined) {
      const sessions = new Map<string, boolean>();
      const onClaim = (claim: SessionClaim) => this.hear(sessions, claim);
      held = { sessions, onClaim, subscribed: this.presence.subscribe(playerSessionChannel(playerId), onClaim) };
      this.players.set(playerId, held);
    }
    held.sessions.set(sessionId, false);
    try {
      await held.subscribed;
      await this.presence.publish(playerSessionChannel(playerId), { sessionId } satisfies SessionClaim);
    } catch (error) {
      // Redis is down: this session stays, and so does any older one until a later claim.
      this.log.warn({ event: "session_claim_failed", sessionId, err: error }, "could not announce the session; older sessions stay open");
    }
  }

  remove(playerId: string, sessionId: string): void {
    const held = this.players.get(playerId);
    if (held === undefined) return;
    held.sessions.delete(sessionId);
    if (held.sessions.size > 0) return;
    this.players.delete(playerId);
    quietly(this.presence.unsubscribe(playerSessionChannel(playerId), held.onClaim));
  }

  stop(): void {
    for (const [playerId, held] of this.players) {
      quietly(this.presence.unsubscribe(playerSessionChannel(playerId), held.onClaim));
    }
    this.players.clear();
  }

  private hear(sessions: Map<string, boolean>, claim: SessionClaim): void {
    for (const [sessionId, isClaimed] of sessions) {
      if (sessionId === claim.sessionId) {
        sessions.set(sessionId, true);
      } else if (isClaimed) {
        // Forgotten at once, so a further claim does not close it twice.
        sessions.delete(sessionId);
        this.onReplaced(sessionId);
      }
    }
  }
}
