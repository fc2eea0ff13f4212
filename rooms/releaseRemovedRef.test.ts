import { Decoder, Encoder, schema, StateView, t } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { encoderRefCountsOf } from "./colyseusInternals.ts";
import { releaseRemovedRef } from "./releaseRemovedRef.ts";
import { ArenaState, Projectile } from "./schema/ArenaState.ts";

const SHOTS = 1_000;

/** One patch for `view`, the way the room's serializer builds it, then the encoder moves on. */
function patch(encoder: Encoder, view: StateView): Uint8Array {
  const it = { offset: 0 };
  encoder.encode(it);
  const bytes = encoder.encodeView(view, it.offset, it).slice();
  encoder.discardChanges();
  return bytes;
}

/** Fires and removes `SHOTS` projectiles, one per patch, as a long-lived room does; returns the refCount table's size. */
function fireAndRemove(release: boolean): number {
  const state = new ArenaState();
  const encoder = new Encoder(state);
  const view = new StateView();
  for (let shot = 0; shot < SHOTS; shot++) {
    const projectile = new Projectile({ ownerId: "a", originX: shot });
    state.projectiles.set(String(shot), projectile);
    view.add(projectile);
    patch(encoder, view);
    state.projectiles.delete(String(shot));
    if (release) releaseRemovedRef(state.projectiles, projectile);
    patch(encoder, view);
  }
  return Object.keys(encoderRefCountsOf(state)!).length;
}

describe("releaseRemovedRef", () => {
  it("is still needed: the schema keeps a refCount entry for every instance ever removed", () => {
    // When this fails, @colyseus/schema frees the entries itself: remove releaseRemovedRef and its calls.
    expect(fireAndRemove(false)).toBeGreaterThanOrEqual(SHOTS);
  });

  it("keeps the table to the live instances", () => {
    // The state, its two maps: nothing of the thousand projectiles.
    expect(fireAndRemove(true)).toBeLessThan(10);
  });

  it("an instance added back after its release is sent whole again, to every client", () => {
    // A collection without views: nothing else would re-send the instance's fields.
    const Unfiltered = schema({ projectiles: t.map(Projectile) }, "Unfiltered");
    const state = new Unfiltered();
    const encoder = new Encoder(state);
    const decoder = new Decoder(new Unfiltered());
    const broadcast = () => {
      const it = { offset: 0 };
      encoder.encode(it);
      const bytes = encoder.sharedBuffer.slice(0, it.offset);
      encoder.discardChanges();
      return bytes;
    };
    const projectile = new Projectile({ ownerId: "a", originX: 123, spawnTick: 7 });
    state.projectiles.set("1", projectile);
    decoder.decode(broadcast());
    state.projectiles.delete("1");
    releaseRemovedRef(state.projectiles, projectile);
    decoder.decode(broadcast());
    expect(decoder.state.projectiles.size).toBe(0);

    state.projectiles.set("2", projectile);
    decoder.decode(broadcast());
    expect(decoder.state.projectiles.get("2")?.originX).toBe(123);
    expect(decoder.state.projectiles.get("2")?.spawnTick).toBe(7);
  });

  it("an instance added back after its release is sent whole again, to a view", () => {
    const state = new ArenaState();
    const encoder = new Encoder(state);
    const view = new StateView();
    const decoder = new Decoder(new ArenaState());
    const projectile = new Projectile({ ownerId: "a", originX: 123, spawnTick: 7 });
    state.projectiles.set("1", projectile);
    view.add(projectile);
    decoder.decode(patch(encoder, view));
    expect(decoder.state.projectiles.get("1")?.originX).toBe(123);

    state.projectiles.delete("1");
    releaseRemovedRef(state.projectiles, projectile);
    decoder.decode(patch(encoder, view));
    expect(decoder.state.projectiles.size).toBe(0);

    state.projectiles.set("2", projectile);
    view.add(projectile);
    decoder.decode(patch(encoder, view));
    expect(decoder.state.projectiles.get("2")?.originX).toBe(123);
    expect(decoder.state.projectiles.get("2")?.spawnTick).toBe(7);
  });
});
