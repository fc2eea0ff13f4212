import { describe, expect, it } from "vitest";
import { movedEntityCost, sdkDecodesPackedPositions, tickOnlyPatchBytes } from "./entityBytes.ts";
import { REF_ID_BANDS } from "./patchTally.ts";

describe("bytes per moved entity (the figures bench:tick prints and the performance page quotes)", () => {
  it.each([
    [REF_ID_BANDS[0].firstRefId, 8, 5, 7],
    [REF_ID_BANDS[1].firstRefId, 9, 6, 8],
    [REF_ID_BANDS[2].firstRefId, 10, 7, 9],
    [REF_ID_BANDS[3].firstRefId, 12, 9, 11],
  ])("from ref id %i: x,y uint16 %i B on both axes, %i B on one; packed uint32 %i B either way", (firstRefId, both, one, packed) => {
    const stock = movedEntityCost("stock", firstRefId, 20);
    expect(stock.minRefId).toBeGreaterThanOrEqual(firstRefId);
    expect(stock).toMatchObject({ bothAxes: both, oneAxis: one });
    expect(movedEntityCost("packed", firstRefId, 20)).toMatchObject({ bothAxes: packed, oneAxis: packed });
  });

  it("a patch that only advances the tick costs 5 encoded bytes", () => {
    expect(tickOnlyPatchBytes()).toBe(5);
  });

  it("the stock SDK's serializer decodes packed positions exactly", () => {
    expect(sdkDecodesPackedPositions()).toBe(true);
  });
});
