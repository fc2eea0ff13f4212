import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { PLAYER_NAME_MAX_CHARS } from "../src/identifiers.ts";
import { checkJoinToken, signJoinToken } from "./joinToken.ts";

const SECRET = "a-join-secret-of-at-least-32-characters";

describe("join tokens", () => {
  it("accepts a token it signed and reads the player id and name", async () => {
    const token = await signJoinToken(SECRET, { playerId: "p-42", name: "Ada" }, 60);
    expect(await checkJoinToken(SECRET, token)).toEqual({ ok: true, identity: { playerId: "p-42", name: "Ada" } });
  });

  it("takes a name of up to PLAYER_NAME_MAX_CHARS characters and a player id of the id pattern", async () => {
    const longest = "n".repeat(PLAYER_NAME_MAX_CHARS);
    const fits = await signJoinToken(SECRET, { playerId: "p_1-x", name: longest }, 60);
    expect(await checkJoinToken(SECRET, fits)).toEqual({ ok: true, identity: { playerId: "p_1-x", name: longest } });
    for (const identity of [{ playerId: "p", name: `${longest}n` }, { playerId: "p*", name: "Ada" }]) {
      const token = await signJoinToken(SECRET, identity, 60);
      expect(await checkJoinToken(SECRET, token)).toEqual({ ok: false, reason: "the join token lacks a valid player id (sub) or name" });
    }
  });

  it.each([
    ["missing", async () => undefined, "a join token is required"],
    ["forged (other secret)", () => signJoinToken("another-secret-of-at-least-32-characters", { playerId: "p", name: "Eve" }, 60), "the join token is not valid"],
    ["expired", () => signJoinToken(SECRET, { playerId: "p", name: "Old" }, -10), "the join token has expired"],
    ["not a JWT", async () => "hello", "the join token is not valid"],
    ["unsigned (alg none)", async () => `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"p","name":"x"}').toString("base64url")}.`, "the join token is not valid"],
    ["without a name", () => new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("p").setExpirationTime("1m").sign(new TextEncoder().encode(SECRET)), "the join token lacks a valid player id (sub) or name"],
  ])("refuses a %s token with a clear reason", async (_kind, make, reason) => {
    expect(await checkJoinToken(SECRET, await make())).toEqual({ ok: false, reason });
  });
});
