import { matchMaker, type Presence } from "@colyseus/core";
import express, { type Router } from "express";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { z } from "zod";
import { ANNOUNCEMENT_CHANNEL, type Announcement } from "../../rooms/channels.ts";
import { isLoopback, TokenGuard } from "../adminAuth.ts";
import { CLOSE_CODES } from "../closeCodes.ts";
import type { ClusterView } from "./clusterView.ts";

const PANEL_DIR = fileURLToPath(new URL("./panel/", import.meta.url));
const UPLOT_DIR = fileURLToPath(new URL("../../node_modules/uplot/dist/", import.meta.url));
const STREAM_INTERVAL_MS = 1_000;
const STREAM_HEARTBEAT_MS = 15_000;

const Announce = z.object({ text: z.string().trim().min(1).max(500) });
const Kick = z.object({ sessionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const Session = z.object({ token: z.string().max(512) });
const RoomIdParam = /^[A-Za-z0-9_-]{1,64}$/;

export interface AdminRoutesOptions {
  guard: TokenGuard;
  view: ClusterView;
  presence: () => Presence;
  logger: Logger;
}

/**
 * The operator surface: the panel page, its JSON API and its event stream.
 * Everything but the page shell and `/admin/api/auth` is behind the admin
 * guard. Actions call only named, fixed room methods; nothing here calls an
 * arbitrary method.
 */
export function adminRoutes({ guard, view, presence, logger }: AdminRoutesOptions): Router {
  const router = express.Router();
  const api = express.Router();

  router.use(["/panel", "/admin"], sameOriginOnly(guard));
  router.use("/panel", (_req, res, next) => {
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
    next();
  });
  router.use("/admin/api", (_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  // The page shell holds no data, but without a token it is loopback-only like the rest.
  router.use("/panel", (req, res, next) => {
    if (!guard.isTokenRequired && !isLoopback(req)) {
      res.status(403).type("text/plain").send("The panel answers loopback requests only until ADMIN_TOKEN is set.\n");
      return;
    }
    next();
  });
  router.use("/panel/vendor", express.static(UPLOT_DIR, { index: false }));
  router.use("/panel", express.static(PANEL_DIR));

  router.get("/admin/api/auth", async (req, res) => {
    res.json({ required: guard.isTokenRequired, loopbackOnly: !guard.isTokenRequired, authenticated: await guard.isAuthenticated(req) });
  });
  router.post("/admin/api/session", express.json(), async (req, res) => {
    if (await guard.refuseIfThrottled(req, res)) return;
    const body = Session.safeParse(req.body);
    const cookie = await guard.login(req, body.success ? body.data.token : "", isHttps(req));
    if (cookie === undefined) {
      res.status(401).json({ error: "wrong token" });
      return;
    }
    res.setHeader("Set-Cookie", cookie).status(204).end();
  });
  router.delete("/admin/api/session", async (req, res) => {
    res.setHeader("Set-Cookie", await guard.logout(req)).status(204).end();
  });

  api.use(guard.middleware);
  api.get("/cluster", (_req, res) => {
    res.json(view.toJSON(Date.now()));
  });
  api.get("/history", (_req, res) => {
    res.json({ points: view.history() });
  });
  api.get("/stream", (req, res) => {
    // X-Accel-Buffering: a buffering proxy (nginx) would otherwise hold events back.
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    res.write("retry: 2000\n\n");
    const send = () => res.write(`event: cluster\ndata: ${JSON.stringify(view.toJSON(Date.now()))}\n\n`);
    send();
    const updates = setInterval(send, STREAM_INTERVAL_MS);
    const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), STREAM_HEARTBEAT_MS);
    req.on("close", () => {
      clearInterval(updates);
      clearInterval(heartbeat);
    });
  });
  api.get("/rooms/:roomId", async (req, res) => {
    const roomId = roomIdOf(req.params.roomId, res);
    if (roomId === undefined) return;
    const room = view.toJSON(Date.now()).rooms.find((r) => r.roomId === roomId);
    if (room === undefined) {
      res.status(404).json({ error: `no room ${roomId}` });
      return;
    }
    try {
      const detail = await matchMaker.remoteRoomCall(roomId, "operatorView");
      res.json({ ...detail, processId: room.processId });
    } catch (error) {
      res.status(502).json({ error: `room ${roomId} did not answer: ${errorMessage(error)}` });
    }
  });
  api.post("/rooms/:roomId/dispose", async (req, res) => {
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
  api.post("/rooms/:roomId/kick", express.json(), async (req, res) => {
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
      const detail = await matchMaker.remoteRoomCall(roomId, "operatorView") as { clients: { sessionId: string }[] };
      isInRoom = detail.clients.some((c) => c.sessionId === sessionId);
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
  api.post("/announce", express.json(), async (req, res) => {
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
  router.use("/admin/api", api);
  return router;
}

const LOOPBACK_HOSTS = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

function isHttps(req: express.Request): boolean {
  return req.secure || req.headers["x-forwarded-proto"] === "https";
}

/**
 * The operator surface answers its own pages only. Colyseus' CORS layer
 * reflects any Origin with credentials on every route; here its headers are
 * dropped and a request from another origin is refused, so a web page open in
 * the operator's browser cannot read the API or trigger actions. Without a
 * token, the Host must also be a loopback name (a rebound DNS name is not).
 */
function sameOriginOnly(guard: TokenGuard) {
  return (req: express.Request, res: express.Response, next: express.NextFunction): void => {
    for (const header of ["Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers"]) {
      res.removeHeader(header);
    }
    const host = req.headers.host ?? "";
    const origin = req.headers.origin;
    const isCrossOrigin = (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`)
      || req.headers["sec-fetch-site"] === "cross-site" || req.headers["sec-fetch-site"] === "same-site";
    if (isCrossOrigin) {
      res.status(403).json({ error: "cross-origin requests to the operator surface are refused" });
      return;
    }
    if (!guard.isTokenRequired && !LOOPBACK_HOSTS.test(host)) {
      res.status(403).json({ error: "without ADMIN_TOKEN the operator surface answers loopback requests only" });
      return;
    }
    next();
  };
}

function roomIdOf(raw: string | undefined, res: express.Response): string | undefined {
  if (raw !== undefined && RoomIdParam.test(raw)) return raw;
  res.status(400).json({ error: "bad room id" });
  return undefined;
}

async function act(res: express.Response, what: string, action: () => Promise<object>): Promise<void> {
  try {
    res.json(await action());
  } catch (error) {
    res.status(502).json({ error: `could not ${what}: ${errorMessage(error)}` });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
