/**
 * What a client's decoded state gained from one patch: players that moved
 * (split by ref-id band and by how many axes changed), players that came into
 * view and projectiles that spawned. Shared by `bench:tick`'s live clients
 * and its in-process replay, so both count the same way.
 */

/**
 * Schema 5 writes a ref id as a MessagePack number: 1 byte below 128, then
 * 2, 3 and 5 bytes. Every changed entity in a patch carries its ref id once
 * (after the switch-to-structure byte), so the band sets its per-patch floor.
 * Ref ids are never recycled: each schema instance a room ever attaches
 * (every projectile) takes the next one, so late joiners land in higher bands.
 */
export const REF_ID_BANDS = [
  { label: "< 128", firstRefId: 0, refIdBytes: 1 },
  { label: "128-255", firstRefId: 128, refIdBytes: 2 },
  { label: "256-65535", firstRefId: 256, refIdBytes: 3 },
  { label: ">= 65536", firstRefId: 65_536, refIdBytes: 5 },
] as const;

export function refIdBandOf(refId: number): number {
  let band = 0;
  for (let i = 1; i < REF_ID_BANDS.length; i++) if (refId >= REF_ID_BANDS[i]!.firstRefId) band = i;
  return band;
}

/** The decoder stamps every instance with its ref id under this global symbol (`$refId` in @colyseus/schema). */
const REF_ID = Symbol.for("$refId");

export function refIdOf(instance: object): number {
  return (instance as Record<symbol, number>)[REF_ID] ?? -1;
}

export interface PatchTally {
  moved: number;
  /** Moved players per REF_ID_BANDS entry. */
  movedByBand: number[];
  /** Of those, the ones that moved on one axis only (x or y unchanged). */
  movedOneAxisByBand: number[];
  /** Players that were not in the state at the previous patch. */
  entered: number;
  /** Projectiles that were not in the state at the previous patch. */
  spawned: number;
}

export function createTally(): PatchTally {
  return { moved: 0, movedByBand: REF_ID_BANDS.map(() => 0), movedOneAxisByBand: REF_ID_BANDS.map(() => 0), entered: 0, spawned: 0 };
}

/** A player's position as one number: x * 65536 + y in wire quanta (both are < 65536). */
export type PositionKeyOf<P> = (player: P) => number;

/**
 * Adds to `tally` what changed since `lastSeen` (player id -> position key;
 * `projectile:<id>` -> 0) and returns the new `lastSeen` to pass next time.
 */
export function tallyPatch<P extends object>(
  lastSeen: ReadonlyMap<string, number>,
  players: Iterable<[string, P]>,
  projectileIds: Iterable<string>,
  positionKeyOf: PositionKeyOf<P>,
  tally: PatchTally,
): Map<string, number> {
  const seen = new Map<string, number>();
  for (const [id, player] of players) {
    const key = positionKeyOf(player);
    const before = lastSeen.get(id);
    if (before === undefined) tally.entered++;
    else if (before !== key) {
      tally.moved++;
      const band = refIdBandOf(refIdOf(player));
      tally.movedByBand[band] = (tally.movedByBand[band] ?? 0) + 1;
      const isXSame = Math.floor(before / 65_536) === Math.floor(key / 65_536);
      const isYSame = before % 65_536 === key % 65_536;
      if (isXSame || isYSame) tally.movedOneAxisByBand[band] = (tally.movedOneAxisByBand[band] ?? 0) + 1;
    }
    seen.set(id, key);
  }
  for (const id of projectileIds) {
    const key = `projectile:${id}`;
    if (!lastSeen.has(key)) tally.spawned++;
    seen.set(key, 0);
  }
  return seen;
}
