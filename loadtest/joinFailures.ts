/**
 * Why joins failed, grouped: the code the SDK reports (an HTTP status, a
 * close code, a network error such as ECONNREFUSED) and the server's message,
 * with the figures that differ from one refusal to the next ("retry in 12 s")
 * blanked out so that one cause is one line. Shared by `npm run loadtest` and
 * `npm run soak`.
 */

/** Colyseus' AUTH_FAILED, raised when JOIN_SECRET is set and a token is missing, forged or expired (src/closeCodes.ts). */
const AUTH_FAILED = 525;
/** This server's RATE_LIMITED: too many matchmaking requests or room creations from one address. */
const RATE_LIMITED = 429;

/** One line per cause: `525: a join token is required`, `ECONNREFUSED: fetch failed`, `timeout: ...`. */
export function joinFailureReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!.trim();
  const general = message
    .replace(/\b\d+(\.\d+)?\s*(ms|s)\b/g, "N $2")
    // Colyseus names the room or process: "Xy7_abc12 is already full.", "process Xy7_abc12 is not available."
    .replace(/^(process )?[\w-]+ (is already full|is not available)/, (_all, process: string | undefined, rest: string) => `${process ?? ""}<${process === undefined ? "room" : "id"}> ${rest}`);
  return code === undefined || code === null || code === "" ? general : `${String(code)}: ${general}`;
}

/** Failed joins by reason. */
export class JoinFailureTally {
  private readonly counts = new Map<string, number>();

  add(reason: string, count = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + count);
  }

  addAll(byReason: Readonly<Record<string, number>>): void {
    for (const [reason, count] of Object.entries(byReason)) this.add(reason, count);
  }

  get total(): number {
    let n = 0;
    for (const count of this.counts.values()) n += count;
    return n;
  }

  /** Most frequent first. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort((a, b) => b[1] - a[1]));
  }
}

/**
 * What an operator should do about the failures, one line per cause this
 * server names on purpose (a refused token, a per-address limit); nothing for
 * the rest, whose reasons speak for themselves.
 */
export function explainJoinFailures(byReason: Readonly<Record<string, number>>): string[] {
  let auth = 0;
  let limited = 0;
  for (const [reason, count] of Object.entries(byReason)) {
    if (reason.startsWith(`${AUTH_FAILED}:`)) auth += count;
    if (reason.startsWith(`${RATE_LIMITED}:`)) limited += count;
  }
  const lines: string[] = [];
  if (auth > 0) {
    lines.push(`${auth} join(s) refused for their token (${AUTH_FAILED}): the server sets JOIN_SECRET; `
      + "pass the same secret with --join-secret or the JOIN_SECRET environment variable, and every bot signs its own token");
  }
  if (limited > 0) {
    lines.push(`${limited} join(s) refused by the server's per-address rate limit (${RATE_LIMITED}): every bot comes from this machine's address; `
      + "keep --ramp under MAX_JOINS_PER_ADDRESS_PER_MIN / 60 (1.9 at the default 120) and rooms created under MAX_ROOMS_PER_ADDRESS_PER_MIN, "
      + "or add this address to the server's RATE_LIMIT_EXEMPT");
  }
  return lines;
}
