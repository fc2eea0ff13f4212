import { CLOSE_CODES } from "../closeCodes.ts";

/** Why the room ended, in words for the "disconnected" screen; undefined when the player left on purpose. */
export function describeLeave(code: number, reason?: string): string | undefined {
  switch (code) {
    case CLOSE_CODES.CONSENTED:
      return undefined;
    case CLOSE_CODES.SERVER_SHUTDOWN:
      return "The server is restarting.";
    case CLOSE_CODES.FAILED_TO_RECONNECT:
      return "Could not reconnect: the server no longer holds this player's seat (the connection was lost for too long).";
    case CLOSE_CODES.INVALID_MESSAGE:
      return `The server closed the connection: ${reason || "it could not read a message from this client"}.`;
    case CLOSE_CODES.ROOM_FAILED:
      return "This arena stopped working and was closed.";
    case CLOSE_CODES.ROOM_CLOSED_BY_OPERATOR:
      return "An operator closed this arena.";
    case CLOSE_CODES.KICKED_BY_OPERATOR:
      return "An operator removed you from the game.";
    case CLOSE_CODES.SLOW_CLIENT:
      return "The connection was too slow to keep up with the game.";
    default:
      return `Connection lost and could not be restored${reason ? ` (${reason})` : ""} [code ${code}].`;
  }
}
