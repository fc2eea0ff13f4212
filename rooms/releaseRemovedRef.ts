import { encoderRefCountsOf, markForFullResend, refIdOf } from "./colyseusInternals.ts";

/**
 * Call right after deleting `instance` from `collection` (a MapSchema of the room's state).
 *
 * Why: checked against @colyseus/schema 5.0.34. The encoder's Root numbers every instance it
 * tracks with a refId that is never reused, and on removal keeps `refCount[refId] = 0` for ever
 * (so that an instance added back is re-sent whole). That is 8 bytes for every player and every
 * projectile a room ever held, freed only when the room is disposed: in the 30-minute soak, rooms
 * that live as long as players keep coming grew each process's heap by about 17 MB an hour
 * (docs/operations.md, "Soak"). Deleting the entry lets V8 keep the table sparse.
 *
 * Adding the instance back stays correct: NEEDS_RESTAGE makes Root.add re-send it whole, as
 * refCount 0 did. rooms/releaseRemovedRef.test.ts fails if the Root stops working this way.
 */
export function releaseRemovedRef(collection: object, instance: object): void {
  const refCounts = encoderRefCountsOf(collection);
  const refId = refIdOf(instance);
  if (refCounts === undefined || refId === undefined || refCounts[refId] !== 0) return;
  delete refCounts[refId];
  markForFullResend(instance);
}
