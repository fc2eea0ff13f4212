import type { Presence } from "@colyseus/core";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import { limitKeyOf } from "../clientAddress.ts";
import { LogThrottle } from "../logThrottle.ts";
import { FixedWindowLimiter } from "./FixedWindowLimiter.ts";
import { CLIENT_ADDRESS_HEADER } from "./requestGate.ts";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
const SESSION_COOKIE = "gs_admin";
/** Wrong tokens one client address may try per minute before it is answered 429 for the rest of it. */
const MAX_FAILED_LOGINS_PER_MIN = 10;
const sessionKey = (sessionId: string) => `gs:admin-session:${digest(sessionId).toString("hex")}`;

export function isLoopback(req: Request): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? "");
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares digests, so the time taken says nothing about either secret, its length included. */
function equalSecrets(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
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

/** The request's client address as the request gate resolved it (the socket's peer without the gate). */
export function clientAddressOf(req: Request): string {
  const header = req.headers[CLIENT_ADDRESS_HEADER];
  return typeof header === "string" ? header : (req.socket.remoteAddress ?? "");
}

export interface TokenGuardOptions {
  /** Bearer tokens that pass; none: only loopback requests pass. */
  tokens: readonly string[];
  presence: () => Presence;
  isPresenceUp: () => boolean;
  /** How long a panel login lasts; 0: this guard has no sessions (bearer only). */
  sessionTtlS: number;
  logger: Logger;
  /** Names the surface in log lines ("admin", "metrics"). */
  surface: string;
}

/**
 * Guards a surface with secret tokens. With tokens, a request needs
 * `Authorization: Bearer <token>` or, for the panel, a session cookie: a random
 * id whose digest lives in presence with a TTL, so a login expires and a logout
 * revokes it on every process of the cluster. Without tokens only loopback
 * requests pass (and the app serves the surface on its loopback listener only).
 * Wrong tokens are logged and counted per client address; past
 * MAX_FAILED_LOGINS_PER_MIN an address is answered 429 for the rest of the minute,
 * while every other address, the operator's, keeps working.
 */
export class TokenGuard {
  private readonly options: TokenGuardOptions;
  private readonly failures: FixedWindowLimiter;
  private readonly throttledLog = new LogThrottle(1);

  constructor(options: TokenGuardOptions) {
    this.options = options;
    this.failures = new FixedWindowLimiter({ presence: options.presence, name: `failed-logins:${options.surface}`, limit: MAX_FAILED_LOGINS_PER_MIN, windowS: 60 });
  }

  get isTokenRequired(): boolean {
    return this.options.tokens.length > 0;
  }

  private isRightToken(given: string): boolean {
    // Every token is compared, so the time taken does not say which one matched.
    return this.options.tokens.reduce((isRight, token) => equalSecrets(given, token) || isRight, false);
  }

  async isAuthenticated(req: Request): Promise<boolean> {
    if (!this.isTokenRequired) return isLoopback(req);
    const bearer = bearerOf(req);
    if (bearer !== "" && this.isRightToken(bearer)) return true;
    const session = cookieOf(req, SESSION_COOKIE);
    if (session === "" || this.options.sessionTtlS === 0 || !this.options.isPresenceUp()) return false;
    return (await this.options.presence().get(sessionKey(session))) !== null;
  }

  /**
   * Exchanges a token for a session cookie; undefined when the token is wrong
   * (counted as a failure of `req`'s address).
   */
  async login(req: Request, token: string, isHttps: boolean): Promise<string | undefined> {
    if (!this.isTokenRequired || !this.isRightToken(token)) {
      await this.noteFailure(req, "wrong token at login");
      return undefined;
    }
    const sessionId = randomBytes(32).toString("base64url");
    await this.options.presence().setex(sessionKey(sessionId), "1", this.options.sessionTtlS);
    this.options.logger.info({ event: "admin_login", address: clientAddressOf(req) }, "operator logged in");
    return `${SESSION_COOKIE}=${sessionId}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${this.options.sessionTtlS}${isHttps ? "; Secure" : ""}`;
  }

  /** Revokes the request's session everywhere; returns the cookie that clears it in the browser. */
  async logout(req: Request): Promise<string> {
    const session = cookieOf(req, SESSION_COOKIE);
    if (session !== "" && this.options.isPresenceUp()) await this.options.presence().del(sessionKey(session));
    return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
  }

  /** Answers 429 (and true) when `req`'s address has used up its wrong tokens for this minute. */
  async refuseIfThrottled(req: Request, res: Response): Promise<boolean> {
    if (!this.isTokenRequired || !this.options.isPresenceUp()) return false;
    const address = limitKeyOf(clientAddressOf(req));
    const failed = Number((await this.options.presence().get(this.failures.currentKey(address))) ?? 0);
    if (failed < MAX_FAILED_LOGINS_PER_MIN) return false;
    if (this.throttledLog.admit(address)) {
      this.options.logger.warn({ event: "admin_login_throttled", surface: this.options.surface, address }, "too many wrong tokens from one address: refusing it for the rest of the minute");
    }
    res.status(429).set("Retry-After", "60").json({ error: "too many wrong tokens from your address; retry in a minute" });
    return true;
  }

  private async noteFailure(req: Request, reason: string): Promise<void> {
    const address = limitKeyOf(clientAddressOf(req));
    // At most MAX_FAILED_LOGINS_PER_MIN of these lines per address per minute: the rest are throttled.
    this.options.logger.warn({ event: "admin_auth_failed", surface: this.options.surface, address, reason }, "wrong admin token");
    if (this.options.isPresenceUp()) await this.failures.take(address);
  }

  readonly middleware = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (await this.refuseIfThrottled(req, res)) return;
    if (await this.isAuthenticated(req)) return next();
    if (!this.isTokenRequired) {
      res.status(403).json({ error: "this surface answers loopback requests only until its token is set" });
      return;
    }
    if (bearerOf(req) !== "") await this.noteFailure(req, "wrong bearer token");
    res.status(401).set("WWW-Authenticate", "Bearer").json({ error: "missing or wrong token" });
  };
}
