/** A player a direct message can go to. */
export interface Recipient {
  /** The address: the `playerId` of its state entity (the join token's subject, or its session id in anonymous play). */
  playerId: string;
  name: string;
}

export type ChatCommand =
  | { kind: "dm"; to: Recipient; text: string }
  | { kind: "invalid"; reason: string };

const USAGE = "direct messages only: /w <name> <text>, /r <text> to reply, or click a name on the scoreboard";

/**
 * Parses what the player typed into the chat box. `/w name text` whispers to
 * a player by name (names may contain spaces, so the longest known name that
 * prefixes the rest wins; a player id works too); `/r text` replies to
 * `lastSender`.
 */
export function parseChatCommand(line: string, known: readonly Recipient[], lastSender?: Recipient): ChatCommand {
  const trimmed = line.trim();
  const reply = /^\/r(?:\s+(.*))?$/is.exec(trimmed);
  if (reply !== null) {
    if (lastSender === undefined) return { kind: "invalid", reason: "nobody to reply to yet" };
    const text = (reply[1] ?? "").trim();
    return text === "" ? { kind: "invalid", reason: "usage: /r <text>" } : { kind: "dm", to: lastSender, text };
  }
  const whisper = /^\/(?:w|whisper|msg)\s+(.*)$/is.exec(trimmed);
  if (whisper === null) return { kind: "invalid", reason: USAGE };
  const rest = whisper[1]!;
  const restLower = rest.toLowerCase();
  let best: Recipient | undefined;
  let bestLength = -1;
  for (const r of known) {
    for (const handle of [r.name, r.playerId]) {
      const h = handle.toLowerCase();
      const isPrefix = restLower === h || restLower.startsWith(`${h} `);
      if (isPrefix && h.length > bestLength) {
        best = r;
        bestLength = h.length;
      }
    }
  }
  if (best === undefined) {
    const first = rest.split(/\s+/)[0] ?? "";
    return { kind: "invalid", reason: `no player named "${first}" in sight` };
  }
  const text = rest.slice(bestLength).trim();
  if (text === "") return { kind: "invalid", reason: `usage: /w ${best.name} <text>` };
  return { kind: "dm", to: best, text };
}
