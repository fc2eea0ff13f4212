import { z } from "zod";

export const PLAYER_NAME_MAX_CHARS = 16;
export const DEFAULT_MODE = "ffa";
/** A matchmaking mode: rooms are only shared within one. */
export const MODE_PATTERN = /^[a-z0-9-]{1,24}$/;

/**
 * What a client may pass to `joinOrCreate("arena", options)`. `mode` is a
 * matchmaking bucket (rooms are only shared within one mode); `name` is shown
 * to other players.
 */
export const ArenaJoinOptions = z.object({
  mode: z.string().regex(MODE_PATTERN, "mode must be 1-24 of a-z, 0-9 and -").default(DEFAULT_MODE),
  name: z.string().trim()
    .min(1, "name must not be blank")
    .max(PLAYER_NAME_MAX_CHARS, `name must be at most ${PLAYER_NAME_MAX_CHARS} characters`)
    .regex(/^[^\p{C}]+$/u, "name must not contain control characters")
    .optional(),
  /** A join token (JOIN_SECRET set), when not sent as an Authorization header. */
  token: z.string().max(4_096).optional(),
});
export type ArenaJoinOptions = z.infer<typeof ArenaJoinOptions>;

export const RenameMessage = z.object({ name: ArenaJoinOptions.shape.name.unwrap() });

/** Parses join options, or returns the first problem as one line. */
export function parseJoinOptions(raw: unknown): { ok: true; value: ArenaJoinOptions } | { ok: false; reason: string } {
  const result = ArenaJoinOptions.safeParse(raw ?? {});
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: issue === undefined ? "invalid join options" : `${issue.path.join(".")}: ${issue.message}` };
}

export const DM_TEXT_MAX_CHARS = 200;

/** `room.request("dm", { to, text })`: `to` is the recipient's player id (`playerId` in its state entity). */
export const DirectMessageRequest = z.object({
  // Player ids are Colyseus session ids; the pattern also keeps glob characters out of channel look-ups.
  to: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "to must be a player id"),
  text: z.string().trim().min(1).max(DM_TEXT_MAX_CHARS),
});
