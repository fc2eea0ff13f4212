/**
 * `npm run token -- --player ID [--name NAME] [--ttl-s 3600]`
 * Prints a join token signed with JOIN_SECRET, for testing a server that requires one.
 */
import { parseArgs } from "node:util";
import { signJoinToken } from "../rooms/joinToken.ts";
import { ConfigError, loadConfig } from "./config.ts";

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({ options: { player: { type: "string" }, name: { type: "string" }, "ttl-s": { type: "string", default: "3600" } } }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
let secret: string | undefined;
try {
  secret = loadConfig(process.env).joinSecret;
} catch (error) {
  if (error instanceof ConfigError) fail(`config error: ${error.message}`);
  throw error;
}
if (secret === undefined) fail("JOIN_SECRET is not set: the server accepts anonymous joins and needs no token");
const playerId = args.player ?? fail("--player ID is required");
if (!/^[A-Za-z0-9_-]{1,64}$/.test(playerId)) fail("--player must be 1-64 of A-Z a-z 0-9 _ -");
const name = args.name ?? playerId.slice(0, 16);
if (name.length < 1 || name.length > 16) fail("--name must be 1-16 characters");
const ttlS = Number(args["ttl-s"]);
if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > 30 * 24 * 3600) fail("--ttl-s must be an integer from 1 to 2592000");
process.stdout.write(`${await signJoinToken(secret, { playerId, name }, ttlS)}\n`);
