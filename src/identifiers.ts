/**
 * What an id, a player's name and a matchmaking mode may look like: one
 * definition each for the rooms, the config, the commands, the admin API and
 * the load tools. A leaf module: it imports nothing.
 */

/**
 * A player id (a join token's `sub`, or a Colyseus session id for anonymous play), a session id,
 * a room id or a room type's name: 1-64 of A-Z a-z 0-9 _ -. The pattern also keeps glob
 * characters out of presence channel look-ups.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Characters of a player's display name (after trimming, where a client sent it). */
export const PLAYER_NAME_MAX_CHARS = 16;

/** A matchmaking mode: rooms are only shared within one. */
export const MODE_PATTERN = /^[a-z0-9-]{1,24}$/;
