import { matchMaker, type Presence } from "@colyseus/core";
import express, { type Response, type Router } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import { ANNOUNCEMENT_CHANNEL } from "../../../rooms/channels.ts";
import type { Announcement } from "../../../rooms/messages.ts";
import { CLOSE_CODES } from "../../closeCodes.ts";
import type { ClusterView } from "../clusterView.ts";
import { errorMessage, operatorViewOf, roomIdOf, SessionIdField } from "./roomRequests.ts";

const Announce = z.object({ text: z.string().trim().min(1).max(500) });
const Kick = z.object({ sessionId: SessionIdField });

export interface OperatorActionsOptions {
  /** Tells which rooms exist, so an action on a gone room is a 404, not a failed call. */
  view: ClusterView;
  presence: () => Presence;
  logger: Logger;
}

/**
 * The operator's actions behind the admin guard: dispose a room, kick a
 * client, announce to every arena. Each calls a named, fixed room method (never
 * an arbitrary one) and is logged.
 */
export function operatorActions({ view, presence, logger }: OperatorActionsOptions): Router {
  const actions = express.Router();
  actions.post("/rooms/:roomId/dispose", async (req, res) => {
    const roomId = roomIdOf(req.params.roomId, res);
    if (roomId === undefined) return;
    if (!view.toJSON(Date.now()).rooms.some((r) => r.roomId === roomId)) {
      res.status(404).json({ error: `no room ${roomId}` });
      return;
    }
    await act(res, `dispose room ${roomId}`, async () => {
      await matchMaker.remoteRoomCall(roomId, "disconnect", [CLOSE_CODES.ROOM_CLOSED_BY_OPERATOR]);
      logger.info({ event: "operator_disposed_room", roomId }, "operator disposed a room");
      return { disposed: true };
    });
  });
  actions.post("/rooms/:roomId/kick", express.json(), async (req, res) => {
    const roomId = roomIdOf(req.params.roomId, res);
    const body = Kick.safeParse(req.body);
    if (roomId === undefined) return;
    if (!body.success) {
      res.status(400).json({ error: "expected { sessionId }" });
      return;
    }
    const sessionId = body.data.sessionId;
    let isInRoom: boolean;
    try {
      isInRoom = (await operatorViewOf(roomId)).clients.some((c) => c.sessionId === sessionId);
    } catch {
      isInRoom = false;
    }
    if (!isInRoom) {
      res.status(404).json({ error: `no client ${sessionId} in room ${roomId}` });
      return;
    }
    await act(res, `kick ${sessionId}`, async () => {
      await matchMaker.remoteRoomCall(roomId, "kickClient", [sessionId, CLOSE_CODES.KICKED_BY_OPERATOR]);
      logger.info({ event: "operator_kicked_client", roomId, sessionId }, "operator kicked a client");
      return { kicked: true };
    });
  });
  actions.post("/announce", express.json(), async (req, res) => {
    const body = Announce.safeParse(req.body);
    if (!body.success) {
      res.status(400).json({ error: "expected { text: 1-500 characters }" });
      return;
    }
    await act(res, "announce", async () => {
      const announcement: Announcement = { text: body.data.text };
      await presence().publish(ANNOUNCEMENT_CHANNEL, announcement);
      logger.info({ event: "announcement", text: announcement.text }, "announcement sent");
      return { sent: true };
    });
  });
  return actions;
}

/** Answers the action's result, or 502 naming what could not be done. */
async function act(res: Response, what: string, action: () => Promise<object>): Promise<void> {
  try {
    res.json(await action());
  } catch (error) {
    res.status(502).json({ error: `could not ${what}: ${errorMessage(error)}` });
  }
}
