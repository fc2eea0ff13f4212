import type { NextFunction, Request, Response } from "express";
import type { TokenGuard } from "../../http/adminAuth.ts";

const LOOPBACK_HOSTS = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;
const CORS_HEADERS = ["Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers"];

/**
 * The operator surface answers its own pages only. Colyseus' CORS layer
 * reflects any Origin with credentials on every route; here its headers are
 * dropped and a request from another origin is refused, so a web page open in
 * the operator's browser cannot read the API or trigger actions. Without a
 * token, the Host must also be a loopback name (a rebound DNS name is not).
 */
export function sameOriginOnly(guard: TokenGuard) {
  return (req: Request, res: Response, next: NextFunction): void => {
    for (const header of CORS_HEADERS) res.removeHeader(header);
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
