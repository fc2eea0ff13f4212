import { ServerError } from "@colyseus/core";
import { errors, jwtVerify, SignJWT } from "jose";
import { ERROR_CODES } from "../src/closeCodes.ts";
import { ID_PATTERN, PLAYER_NAME_MAX_CHARS } from "../src/identifiers.ts";
import { DEFAULT_MODE, parseJoinOptions } from "./joinOptions.ts";

/** Who a join token says the player is. */
export interface JoinIdentity {
  playerId: string;
  name: string;
}

export type JoinTokenCheck = { ok: true; identity: JoinIdentity } | { ok: false; reason: string };

const ALGORITHM = "HS256";

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Signs a join token (HS256 JWT): `sub` is the player id, `name` the display name, expiring in `ttlS`. */
export async function signJoinToken(secret: string, identity: JoinIdentity, ttlS: number): Promise<string> {
  return new SignJWT({ name: identity.name })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(identity.playerId)
    .setIssuedAt()
    .setExpirationTime(`${ttlS}s`)
    .sign(keyOf(secret));
}

/** Verifies a join token; an expected refusal is a value with a one-line reason, never a throw. */
export async function checkJoinToken(secret: string, token: unknown): Promise<JoinTokenCheck> {
  if (typeof token !== "string" || token === "") return { ok: false, reason: "a join token is required" };
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { algorithms: [ALGORITHM] });
    const name = typeof payload.name === "string" ? payload.name : "";
    if (typeof payload.sub !== "string" || !ID_PATTERN.test(payload.sub) || name.length < 1 || name.length > PLAYER_NAME_MAX_CHARS) {
      return { ok: false, reason: "the join token lacks a valid player id (sub) or name" };
    }
    return { ok: true, identity: { playerId: payload.sub, name } };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: "the join token has expired" };
    return { ok: false, reason: "the join token is not valid" };
  }
}

/**
 * Anonymous (true) without a secret; with one, the identity in a valid token
 * sent as the SDK's auth token or a `token` join option, else a refusal
 * (AUTH_FAILED) saying why.
 */
async function authenticateJoin(secret: string | undefined, options: { token?: unknown } | undefined, headerToken: string | undefined): Promise<JoinIdentity | true> {
  if (secret === undefined) return true;
  const check = await checkJoinToken(secret, headerToken || options?.token);
  if (!check.ok) throw new ServerError(ERROR_CODES.AUTH_FAILED, check.reason);
  return check.identity;
}

/** What a join is checked against at the HTTP step. */
export interface JoinPolicy {
  joinSecret: string | undefined;
  /** Empty: any well-formed mode. */
  allowedModes: readonly string[];
}

/**
 * The matchmaking request's gate (a room class's static `onAuth`, which Colyseus
 * runs in the HTTP request, before any room is looked up or created): options
 * and token are refused here, with their codes, so a bad join costs no room and
 * no seat. A missing `mode` becomes the default one in the options themselves,
 * since matchmaking filters rooms by the options as sent.
 */
export async function admitJoin(policy: JoinPolicy, headerToken: string | undefined, options: unknown): Promise<JoinIdentity | true> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new ServerError(ERROR_CODES.INVALID_JOIN_OPTIONS, "join options must be an object");
  }
  const raw = options as Record<string, unknown>;
  if (raw.mode === undefined) raw.mode = DEFAULT_MODE;
  const parsed = parseJoinOptions(raw);
  if (!parsed.ok) throw new ServerError(ERROR_CODES.INVALID_JOIN_OPTIONS, parsed.reason);
  if (policy.allowedModes.length > 0 && !policy.allowedModes.includes(parsed.value.mode)) {
    throw new ServerError(ERROR_CODES.INVALID_JOIN_OPTIONS, `mode: must be one of ${policy.allowedModes.join(", ")}`);
  }
  return authenticateJoin(policy.joinSecret, parsed.value, headerToken);
}
