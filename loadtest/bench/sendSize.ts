/**
 * The send limit sends, at each player count, this server's average update
 * payload at that count: this server runs first and records it here.
 */

/** Used when this server is not part of the run (--only): a typical 100-player update of this server. */
export const FALLBACK_SEND_BYTES = 64;

export class SendSizes {
  private readonly bytesByPlayers = new Map<number, number>();

  get isMeasured(): boolean {
    return this.bytesByPlayers.size > 0;
  }

  record(players: number, updatePayloadBytes: number): void {
    if (Number.isFinite(updatePayloadBytes) && updatePayloadBytes > 0) this.bytesByPlayers.set(players, updatePayloadBytes);
  }

  /**
   * The size measured at the nearest player count (ties: the smaller count).
   * Past the largest measured count that keeps its smaller size: the guess
   * errs in the send limit's favour, never this server's.
   */
  at(players: number): number {
    let best = FALLBACK_SEND_BYTES;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const [measured, bytes] of this.bytesByPlayers) {
      const distance = Math.abs(measured - players);
      if (distance < bestDistance || (distance === bestDistance && measured < players)) {
        best = bytes;
        bestDistance = distance;
      }
    }
    return Math.max(1, Math.round(best));
  }
}
