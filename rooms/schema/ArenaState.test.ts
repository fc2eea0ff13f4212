import { Decoder, Encoder, StateView } from "@colyseus/schema";
import { describe, expect, it } from "vitest";
import { ArenaState, OWNER_VIEW_TAG, Player, PlayerInput } from "./ArenaState.ts";

/** Encodes one patch for `view` the way the room's serializer does: shared changes, then the view's. */
function patchFor(encoder: Encoder, view: StateView): Uint8Array {
  const it = { offset: 0 };
  encoder.encode(it);
  return encoder.encodeView(view, it.offset, it).slice();
}

function fullStateFor(encoder: Encoder, view: StateView): Uint8Array {
  const it = { offset: 0 };
  encoder.encodeAll(it);
  return encoder.encodeAllView(view, it.offset, it).slice();
}

describe("arena wire contract", () => {
  it("sends owner-only fields to the owner alone, and other players only to views that hold them", () => {
    const state = new ArenaState();
    const encoder = new Encoder(state);
    const mine = new Player({ name: "me", x: 100, y: 100, vx: 5 });
    const theirs = new Player({ name: "them", x: 900, y: 900, vx: 7 });
    state.players.set("me", mine);
    state.players.set("them", theirs);
    const myView = new StateView();
    myView.add(mine, OWNER_VIEW_TAG);
    const decoder = new Decoder(new ArenaState());
    decoder.decode(fullStateFor(encoder, myView));
    encoder.discardChanges();
    expect(decoder.state.players.get("me")?.vx).toBe(5);
    expect(decoder.state.players.has("them")).toBe(false);

    myView.add(theirs);
    decoder.decode(patchFor(encoder, myView));
    encoder.discardChanges();
    expect(decoder.state.players.get("them")?.x).toBe(900);
    expect(decoder.state.players.get("them")?.vx).toBeUndefined();
  });

  it("a player that moved on both axes costs 8 bytes in the next patch", () => {
    // The floor per moving entity: switch-to-structure (1) + ref id (1 below 128)
    // + two uint16 fields (1 index + 2 bytes each). docs/performance.md's bandwidth figures build on this.
    const state = new ArenaState();
    const encoder = new Encoder(state);
    const other = new Player({ name: "other", x: 100, y: 100 });
    state.players.set("other", other);
    const view = new StateView();
    view.add(other);
    fullStateFor(encoder, view);
    encoder.discardChanges();
    patchFor(encoder, view); // flush the view's own pending adds
    encoder.discardChanges();

    other.x += 77;
    other.y += 77;
    expect(patchFor(encoder, view).byteLength).toBe(8);
    encoder.discardChanges();

    other.x += 1; // one axis only: 5 bytes
    expect(patchFor(encoder, view).byteLength).toBe(5);
  });

  it("clones an input as a plain copy of its five numbers (what core's input buffer stores)", () => {
    const input = new PlayerInput({ seq: 7, moveX: -1, moveY: 1, aim: 1.5, fire: true });
    const copy = input.clone();
    expect(copy).toEqual({ seq: 7, moveX: -1, moveY: 1, aim: input.aim, fire: true });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    input.seq = 8;
    expect(copy.seq).toBe(7);
  });
});
