import express, { type Request, type Router } from "express";
import { z } from "zod";
import type { TokenGuard } from "../../http/adminAuth.ts";

const Session = z.object({ token: z.string().max(512) });

/**
 * The unguarded part of /admin/api: whether a login is needed, and the panel's
 * login and logout, which trade the token for a session cookie and back.
 */
export function sessionRoutes(guard: TokenGuard): Router {
  const routes = express.Router();
  routes.get("/auth", async (req, res) => {
    res.json({ required: guard.isTokenRequired, loopbackOnly: !guard.isTokenRequired, authenticated: await guard.isAuthenticated(req) });
  });
  routes.post("/session", express.json(), async (req, res) => {
    if (await guard.refuseIfThrottled(req, res)) return;
    const body = Session.safeParse(req.body);
    const cookie = await guard.login(req, body.success ? body.data.token : "", isHttps(req));
    if (cookie === undefined) {
      res.status(401).json({ error: "wrong token" });
      return;
    }
    res.setHeader("Set-Cookie", cookie).status(204).end();
  });
  routes.delete("/session", async (req, res) => {
    res.setHeader("Set-Cookie", await guard.logout(req)).status(204).end();
  });
  return routes;
}

function isHttps(req: Request): boolean {
  return req.secure || req.headers["x-forwarded-proto"] === "https";
}
