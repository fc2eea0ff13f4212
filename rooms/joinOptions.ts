import { z } from "zod";
import { MODE_PATTERN, PLAYER_NAME_MAX_CHARS } from "../src/identifiers.ts";

export const DEFAULT_MODE = "ffa";

/** A display name as a client sends it (join option or `rename`): trimmed, 1 to PLAYER_NAME_MAX_CHARS characters, no control characters. */
export const PlayerName = z.string().trim()
  .min(1, "name must not be blank")
  .max(PLAYER_NAME_MAX_CHARS, `name must be at most ${PLAYER_NAME_MAX_CHARS} characters`)
  .regex(/^[^\p{C}]+$/u, "name must not contain control characters");

/**
 * What a client may pass to `joinOrCreate("arena", options)`. `mode` is a
 * matchmaking bucket (rooms are only shared within one mode); `name` is shown
 * to other players.
 */
const ArenaJoinOptions = z.object({
  mode: z.string().regex(MODE_PATTERN, "mode must be 1-24 of a-z, 0-9 and -").default(DEFAULT_MODE),
  name: PlayerName.optional(),
  /** A join token (JOIN_SECRET set), when not sent as an Authorization header. */
  token: z.string().max(4_096).optional(),
});
export type ArenaJoinOptions = z.infer<typeof ArenaJoinOptions>;

/** Parses join options, or returns the first problem as one line. */
export function parseJoinOptions(raw: unknown): { ok: true; value: ArenaJoinOptions } | { ok: false; reason: string } {
  const result = ArenaJoinOptions.safeParse(raw ?? {});
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: issue === undefined ? "invalid join options" : `${issue.path.join(".")}: ${issue.message}` };
}
