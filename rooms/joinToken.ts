import { errors, jwtVerify, SignJWT } from "jose";

/** Who a join token says the player is. */
export interface JoinIdentity {
  playerId: string;
  name: string;
}

export type JoinTokenCheck = { ok: true; identity: JoinIdentity } | { ok: false; reason: string };

const ALGORITHM = "HS256";
const PLAYER_ID = /^[A-Za-z0-9_-]{1,64}$/;

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
    if (typeof payload.sub !== "string" || !PLAYER_ID.test(payload.sub) || name.length < 1 || name.length > 16) {
      return { ok: false, reason: "the join token lacks a valid player id (sub) or name" };
    }
    return { ok: true, identity: { playerId: payload.sub, name } };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: "the join token has expired" };
    return { ok: false, reason: "the join token is not valid" };
  }
}
