import type { Room } from "@colyseus/sdk";
import type { Recipient } from "./chatCommand.ts";

/**
 * Whispers `text` to `to` through the room's `dm` request. Resolves when the
 * server reports it delivered; rejects with the server's refusal ("not
 * online") or the failure (no handler, timeout, connection closed) as the message.
 */
export async function sendDirectMessage(room: Room, to: Recipient, text: string, timeoutMs: number): Promise<void> {
  let reply: unknown;
  try {
    reply = await room.request("dm", { to: to.sessionId, text }, { timeout: timeoutMs });
  } catch (error) {
    const reason = (error as { reason?: unknown }).reason;
    throw new Error(typeof reason === "string" ? reason : error instanceof Error ? error.message : String(error));
  }
  if ((reply as { delivered?: unknown } | undefined)?.delivered !== true) throw new Error("not delivered");
}
