import type { Presence } from "@colyseus/core";
import express, { type Router } from "express";
import type { Logger } from "pino";
import type { TokenGuard } from "../http/adminAuth.ts";
import { operatorActions } from "./admin/operatorActions.ts";
import { panelPage } from "./admin/panelPage.ts";
import { readApi } from "./admin/readApi.ts";
import { sameOriginOnly } from "./admin/sameOriginOnly.ts";
import { sessionRoutes } from "./admin/sessionRoutes.ts";
import type { ClusterView } from "./clusterView.ts";

export interface AdminRoutesOptions {
  guard: TokenGuard;
  view: ClusterView;
  presence: () => Presence;
  logger: Logger;
}

/**
 * The operator surface: the panel page, its JSON API and its event stream.
 * Every request passes the origin policy first; everything but the page shell
 * and the login routes is then behind the admin guard. Actions call only
 * named, fixed room methods; nothing here calls an arbitrary method.
 */
export function adminRoutes({ guard, view, presence, logger }: AdminRoutesOptions): Router {
  const router = express.Router();
  router.use(["/panel", "/admin"], sameOriginOnly(guard));
  router.use("/admin/api", (_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  router.use("/panel", panelPage(guard));
  router.use("/admin/api", sessionRoutes(guard));
  router.use("/admin/api", guard.middleware, readApi(view), operatorActions({ view, presence, logger }));
  return router;
}
