import { Client } from "@colyseus/sdk";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { signJoinToken } from "../rooms/joinToken.ts";
import { leaveWhenDone } from "./support/cluster.ts";
import { startServer } from "./support/serverProcess.ts";
import { shared } from "./support/teardown.ts";

const SECRET = "auth-test-secret-0123456789-abcdefghij";
const TOKEN_COMMAND = fileURLToPath(new URL("../src/tokenCommand.ts", import.meta.url));
const server = shared(() => startServer({ JOIN_SECRET: SECRET }));

/** `npm run token` as a user would run it. */
async function issueToken(player: string, name: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [TOKEN_COMMAND, "--player", player, "--name", name], {
    env: { ...process.env, JOIN_SECRET: SECRET },
  });
  return stdout.trim();
}

describe("join auth (JOIN_SECRET set)", () => {
  it("a valid token joins, and the name and id in the token are the ones in the state", async () => {
    const client = new Client(server().wsUrl);
    client.auth.token = await issueToken("player-7", "Grace");
    const room = leaveWhenDone(await client.joinOrCreate("arena", { name: "ignored-name" }));
    await vi.waitFor(() => {
      const own = (room.state as { players: Map<string, { name: string; playerId: string }> }).players.get(room.sessionId);
      expect(own?.name).toBe("Grace");
      expect(own?.playerId).toBe("player-7");
    }, { timeout: 3_000 });
  });

  it("a token passed as a join option works too", async () => {
    const room = leaveWhenDone(await new Client(server().wsUrl).joinOrCreate("arena", { token: await issueToken("player-8", "Linus") }));
    expect(room.sessionId).toBeTruthy();
  });

  it.each([
    ["missing", async () => undefined, "a join token is required"],
    ["forged", () => signJoinToken("some-other-secret-0123456789-abcdefgh", { playerId: "eve", name: "Eve" }, 60), "the join token is not valid"],
    ["expired", () => signJoinToken(SECRET, { playerId: "old", name: "Old" }, -5), "the join token has expired"],
  ])("a %s token is refused with code 525 and a clear message", async (_kind, make, message) => {
    const client = new Client(server().wsUrl);
    const token = await make();
    if (token !== undefined) client.auth.token = token;
    await expect(client.joinOrCreate("arena", {})).rejects.toMatchObject({ code: 525, message });
  });
});
