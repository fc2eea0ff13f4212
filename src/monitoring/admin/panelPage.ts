import express, { type Router } from "express";
import { fileURLToPath } from "node:url";
import { isLoopback, type TokenGuard } from "../../http/adminAuth.ts";

const PANEL_DIR = fileURLToPath(new URL("../panel/", import.meta.url));
const UPLOT_DIR = fileURLToPath(new URL("../../../node_modules/uplot/dist/", import.meta.url));

/**
 * The panel's static files (its page, scripts and the vendored chart library),
 * mounted at /panel. They hold no data; every figure comes from the guarded API.
 */
export function panelPage(guard: TokenGuard): Router {
  const page = express.Router();
  page.use((_req, res, next) => {
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Content-Security-Policy", "frame-ancestors 'none'");
    next();
  });
  // The page shell holds no data, but without a token it is loopback-only like the rest.
  page.use((req, res, next) => {
    if (!guard.isTokenRequired && !isLoopback(req)) {
      res.status(403).type("text/plain").send("The panel answers loopback requests only until ADMIN_TOKEN is set.\n");
      return;
    }
    next();
  });
  page.use("/vendor", express.static(UPLOT_DIR, { index: false }));
  page.use(express.static(PANEL_DIR));
  return page;
}
