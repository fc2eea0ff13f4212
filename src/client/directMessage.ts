import type { Room } from "@colyseus/sdk";
import { CLIENT_MESSAGES, type DirectMessageDelivered, type DirectMessageRequest } from "../../rooms/messages.ts";
import type { Recipient } from "./chatCommand.ts";

/**
 * Whispers `text` to `to` through the room's `dm` request. Resolves when the
 * server reports it delivered; rejects with the server's refusal ("not
 * online") or the failure (no handler, timeout, connection closed) as the message.
 */
export async function sendDirectMessage(room: Room, to: Recipient, text: string, timeoutMs: number): Promise<void> {
  let reply: DirectMessageDelivered | undefined;
  try {
    reply = await room.request<DirectMessageRequest, DirectMessageDelivered | undefined>(
      CLIENT_MESSAGES.DIRECT_MESSAGE, { to: to.playerId, text }, { timeout: timeoutMs });
  } catch (error) {
    const reason = (error as { reason?: unknown }).reason;
    throw new Error(typeof reason === "string" ? reason : error instanceof Error ? error.message : String(error));
  }
  if (reply?.delivered !== true) throw new Error("not delivered");
}
