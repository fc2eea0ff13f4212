import { createHmac, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
export const SESSION_COOKIE = "gs_admin";

export function isLoopback(req: Request): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? "");
}

function equalSecrets(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerOf(req: Request): string {
  const header = req.headers.authorization ?? "";
  return header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
}

function cookieOf(req: Request, name: string): string {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return "";
}

/**
 * Guards a surface with a secret token. Set: a request needs
 * `Authorization: Bearer <token>` (or, for the panel, the session cookie
 * derived from it); unset: only loopback requests pass, so nothing guarded is
 * reachable from the network until an operator sets a token.
 */
export class TokenGuard {
  readonly token: string | undefined;
  private readonly sessionValue: string | undefined;

  constructor(token: string | undefined) {
    this.token = token;
    // The cookie holds a value derived from the token, never the token itself.
    this.sessionValue = token === undefined ? undefined : createHmac("sha256", token).update("panel-session").digest("hex");
  }

  isAuthenticated(req: Request): boolean {
    if (this.token === undefined) return isLoopback(req);
    const bearer = bearerOf(req);
    if (bearer !== "" && equalSecrets(bearer, this.token)) return true;
    const cookie = cookieOf(req, SESSION_COOKIE);
    return cookie !== "" && this.sessionValue !== undefined && equalSecrets(cookie, this.sessionValue);
  }

  /** The cookie to set once `token` proved right, or undefined when it is wrong. */
  sessionCookieFor(token: string, isHttps: boolean): string | undefined {
    if (this.token === undefined || !equalSecrets(token, this.token)) return undefined;
    return `${SESSION_COOKIE}=${this.sessionValue}; HttpOnly; SameSite=Strict; Path=/${isHttps ? "; Secure" : ""}`;
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (this.isAuthenticated(req)) return next();
    if (this.token === undefined) {
      res.status(403).json({ error: "this surface answers loopback requests only until its token is set" });
      return;
    }
    res.status(401).set("WWW-Authenticate", "Bearer").json({ error: "missing or wrong token" });
  };
}
