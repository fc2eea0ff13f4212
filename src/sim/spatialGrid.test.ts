import { describe, expect, it } from "vitest";
import { nextRandom } from "./rng.ts";
import { SpatialGrid } from "./spatialGrid.ts";

interface Item { id: number; x: number; y: number; w: number; h: number }

function randomWorld(seed: number, count: number): Item[] {
  const rng = { rngState: seed };
  return Array.from({ length: count }, (_, id) => ({
    id,
    // Some items lie outside the area: the grid must clamp, not lose them.
    x: nextRandom(rng) * 240 - 20,
    y: nextRandom(rng) * 240 - 20,
    w: nextRandom(rng) < 0.3 ? nextRandom(rng) * 30 : 0,
    h: nextRandom(rng) < 0.3 ? nextRandom(rng) * 30 : 0,
  }));
}

const ids = (items: Item[]) => items.map((i) => i.id).sort((a, b) => a - b);

describe("spatial grid", () => {
  it.each([1, 2, 3, 4, 5])("radius queries equal a brute-force scan (world %i)", (seed) => {
    const items = randomWorld(seed, 400);
    const grid = new SpatialGrid<Item>(200, 200, 10);
    for (const it of items) grid.insertPoint(it, it.x, it.y);
    const rng = { rngState: seed * 7919 };
    for (let q = 0; q < 100; q++) {
      const x = nextRandom(rng) * 200;
      const y = nextRandom(rng) * 200;
      const r = nextRandom(rng) * 60;
      const expected = items.filter((i) => (i.x - x) ** 2 + (i.y - y) ** 2 <= r * r);
      expect(ids(grid.queryRadius(x, y, r, []))).toEqual(ids(expected));
    }
  });

  it("answers from the current contents only after clears and rebuilds (pooled entries, emptied cells)", () => {
    const grid = new SpatialGrid<Item>(200, 200, 10);
    const rng = { rngState: 99 };
    for (let round = 0; round < 20; round++) {
      // Each rebuild holds a different number of items in different cells, as ticks do.
      const items = randomWorld(round + 1, 50 + Math.floor(nextRandom(rng) * 300));
      grid.clear();
      for (const it of items) grid.insertPoint(it, it.x, it.y);
      for (let q = 0; q < 20; q++) {
        const x = nextRandom(rng) * 200;
        const y = nextRandom(rng) * 200;
        const r = nextRandom(rng) * 60;
        const expected = items.filter((i) => (i.x - x) ** 2 + (i.y - y) ** 2 <= r * r);
        expect(ids(grid.queryRadius(x, y, r, []))).toEqual(ids(expected));
      }
    }
    grid.clear();
    expect(grid.queryRadius(100, 100, 500, [])).toEqual([]);
  });

  it.each([1, 2, 3])("box queries equal a brute-force scan, each item once (world %i)", (seed) => {
    const items = randomWorld(seed, 300);
    const grid = new SpatialGrid<Item>(200, 200, 10);
    for (const it of items) grid.insertBox(it, it.x, it.y, it.x + it.w, it.y + it.h);
    const rng = { rngState: seed * 104729 };
    for (let q = 0; q < 100; q++) {
      const minX = nextRandom(rng) * 200;
      const minY = nextRandom(rng) * 200;
      const maxX = minX + nextRandom(rng) * 50;
      const maxY = minY + nextRandom(rng) * 50;
      const expected = items.filter((i) => i.x + i.w >= minX && i.x <= maxX && i.y + i.h >= minY && i.y <= maxY);
      expect(ids(grid.queryBox(minX, minY, maxX, maxY, []))).toEqual(ids(expected));
    }
  });
});
