import { matchMaker } from "@colyseus/core";
import type { Response } from "express";
import { z } from "zod";
import { ID_PATTERN } from "../../identifiers.ts";

/** A client's session id in a request body; a request naming any other shape never reaches a room. */
export const SessionIdField = z.string().regex(ID_PATTERN);

/** What a room's `operatorView` answers, as far as the admin routes read it. */
export interface RoomOperatorView {
  clients: { sessionId: string }[];
  /** Recent tick and patch durations, oldest first, in microseconds. */
  tick: { simMicros: number[]; patchMicros: number[] };
}

/** The `:roomId` path parameter; undefined once a bad one has been answered 400. */
export function roomIdOf(raw: string | undefined, res: Response): string | undefined {
  if (raw !== undefined && ID_PATTERN.test(raw)) return raw;
  res.status(400).json({ error: "bad room id" });
  return undefined;
}

/** Asks the room, on whichever process holds it, for what an operator sees of it. */
export async function operatorViewOf(roomId: string): Promise<RoomOperatorView> {
  return await matchMaker.remoteRoomCall(roomId, "operatorView") as RoomOperatorView;
}

/** A failed room call as the operator reads it in an error body. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
