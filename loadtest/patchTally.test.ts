import { describe, expect, it } from "vitest";
import { createTally, refIdBandOf, tallyPatch } from "./patchTally.ts";

const REF_ID = Symbol.for("$refId");

function player(x: number, y: number, refId: number) {
  return { x, y, [REF_ID]: refId };
}
const keyOf = (p: { x: number; y: number }) => p.x * 65_536 + p.y;

describe("refIdBandOf", () => {
  it.each([[0, 0], [127, 0], [128, 1], [255, 1], [256, 2], [65_535, 2], [65_536, 3], [2 ** 31, 3]])("puts ref id %i in band %i", (refId, band) => {
    expect(refIdBandOf(refId)).toBe(band);
  });
});

describe("tallyPatch", () => {
  it("splits moves by band and axes, and counts entries and spawns against the previous patch", () => {
    const before = tallyPatch(new Map(), [["a", player(10, 10, 5)], ["b", player(10, 10, 200)], ["c", player(10, 10, 300)]], ["1"], keyOf, createTally());
    const tally = createTally();
    const after = tallyPatch(before, [
      ["a", player(11, 11, 5)], // both axes, band 0
      ["b", player(10, 12, 200)], // y only, band 1
      ["c", player(10, 10, 300)], // still
      ["d", player(50, 50, 400)], // came into view
    ], ["1", "2"], keyOf, tally);
    expect(tally).toEqual({ moved: 2, movedByBand: [1, 1, 0, 0], movedOneAxisByBand: [0, 1, 0, 0], entered: 1, spawned: 1 });

    // b, c and d leave the view; b comes back a patch later, unmoved: an entry, not a move.
    const gone = tallyPatch(after, [["a", player(11, 11, 5)]], ["2"], keyOf, createTally());
    const back = createTally();
    tallyPatch(gone, [["a", player(11, 11, 5)], ["b", player(10, 12, 200)]], ["2"], keyOf, back);
    expect(back).toEqual({ moved: 0, movedByBand: [0, 0, 0, 0], movedOneAxisByBand: [0, 0, 0, 0], entered: 1, spawned: 0 });
  });
});
