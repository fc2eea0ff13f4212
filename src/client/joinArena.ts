import { Client, type Room } from "@colyseus/sdk";
import type { ArenaState } from "../../rooms/schema/ArenaState.ts";

export type ArenaRoom = Room<any, ArenaState>;

export interface JoinChoice {
  /** Blank lets the server pick one. */
  name: string;
  mode: string;
}

/** Reconnect as soon as a second after joining (the SDK's default is 5 s), so an early drop is not fatal. */
const RECONNECT_MIN_UPTIME_MS = 1_000;
/**
 * Attempts 200, 400, 800, 1600 ms, then every 2 s: about 11 s in all, roughly
 * the server's default seat grace (RECONNECT_GRACE_S=10). Past that the seat
 * is gone and the player is told so, instead of retrying for a minute.
 */
const RECONNECT_MAX_DELAY_MS = 2_000;
const RECONNECT_MAX_RETRIES = 8;

/**
 * Joins (or creates) an arena through matchmaking at `endpoint` (the page's
 * own origin and path). The SDK then connects its WebSocket to the address in
 * the seat reservation (`publicAddress`/processId/roomId), which is the
 * process that owns the room: in a cluster it need not be the one that
 * answered the matchmaking request.
 */
export async function joinArena(endpoint: string, choice: JoinChoice): Promise<ArenaRoom> {
  const client = new Client(endpoint);
  const options = choice.name === "" ? { mode: choice.mode } : { mode: choice.mode, name: choice.name };
  const room = await client.joinOrCreate<ArenaState>("arena", options);
  room.reconnection.minUptime = RECONNECT_MIN_UPTIME_MS;
  room.reconnection.maxDelay = RECONNECT_MAX_DELAY_MS;
  room.reconnection.maxRetries = RECONNECT_MAX_RETRIES;
  await firstState(room);
  return room;
}

/** The join resolves on the handshake; the state (tick rate, own player) follows in the next frame. */
function firstState(room: ArenaRoom): Promise<void> {
  if (room.state?.players !== undefined) return Promise.resolve();
  return new Promise((resolve, reject) => {
    room.onStateChange.once(() => resolve());
    room.onLeave.once((code, reason) => reject(new Error(`left before the first state (${code}${reason ? `: ${reason}` : ""})`)));
  });
}

/** A matchmaking failure as one line for the join form (the server's 521 says which option is wrong). */
export function describeJoinError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
