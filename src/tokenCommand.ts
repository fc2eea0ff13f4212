/**
 * `npm run token -- --player ID [--name NAME] [--ttl-s 3600]`
 * Prints a join token signed with JOIN_SECRET, for testing a server that requires one.
 */
import { signJoinToken } from "../rooms/joinToken.ts";
import { failUsage, parseCommandLine } from "./commandLine.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { ID_PATTERN, PLAYER_NAME_MAX_CHARS } from "./identifiers.ts";

const USAGE = `usage: npm run token -- --player ID [--name NAME] [--ttl-s 3600]

Prints a join token (an HS256 JWT) signed with JOIN_SECRET, for a client of a server that sets
JOIN_SECRET: send it as the SDK's auth token or as the "token" join option.

  --player ID   the player id (the token's sub): 1-64 of A-Z a-z 0-9 _ - (required)
  --name NAME   the display name, 1-${PLAYER_NAME_MAX_CHARS} characters (default: the first ${PLAYER_NAME_MAX_CHARS} characters of the id)
  --ttl-s S     seconds until the token expires, 1-2592000 (default 3600)

environment: JOIN_SECRET (required: the server's own, 32+ characters); read from .env too
(npm run token loads it when present; the environment wins). Exit code 2 on a bad argument or value.`;

const spec = {
  name: "token",
  usage: USAGE,
  options: { player: { type: "string" }, name: { type: "string" }, "ttl-s": { type: "string", default: "3600" } },
} as const;
const args = parseCommandLine(spec);
function fail(message: string): never {
  return failUsage(spec, message);
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
if (!ID_PATTERN.test(playerId)) fail("--player must be 1-64 of A-Z a-z 0-9 _ -");
const name = args.name ?? playerId.slice(0, PLAYER_NAME_MAX_CHARS);
if (name.length < 1 || name.length > PLAYER_NAME_MAX_CHARS) fail(`--name must be 1-${PLAYER_NAME_MAX_CHARS} characters`);
const ttlS = Number(args["ttl-s"]);
if (!Number.isInteger(ttlS) || ttlS < 1 || ttlS > 30 * 24 * 3600) fail("--ttl-s must be an integer from 1 to 2592000");
process.stdout.write(`${await signJoinToken(secret, { playerId, name }, ttlS)}\n`);
