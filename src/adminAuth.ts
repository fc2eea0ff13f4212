import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

function tokenMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Guards admin routes. With `ADMIN_TOKEN` set, a request needs
 * `Authorization: Bearer <token>`; without it, only loopback requests pass, so
 * nothing admin is reachable from the network until an operator sets a token.
 */
export function requireAdmin(adminToken: string | undefined) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (adminToken === undefined) {
      if (LOOPBACK.has(req.socket.remoteAddress ?? "")) return next();
      res.status(403).json({ error: "admin routes answer loopback requests only until ADMIN_TOKEN is set" });
      return;
    }
    const header = req.headers.authorization ?? "";
    const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    if (given !== "" && tokenMatches(given, adminToken)) return next();
    res.status(401).set("WWW-Authenticate", "Bearer").json({ error: "missing or wrong admin token" });
  };
}
