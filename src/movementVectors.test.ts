import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";
import { stepWireBody } from "./client/wireMovement.ts";
import type { Rect } from "./sim/geometry.ts";
import { indexLevel, type LevelIndex } from "./sim/level.ts";
import { MOVEMENT_VECTORS_FILE, MOVEMENT_VECTORS_VERSION, movementVectorsJson, type MovementVectors, type VectorBody, type VectorStep } from "./sim/movementVectors.ts";
import type { SpatialGrid } from "./sim/spatialGrid.ts";

const committedText = readFileSync(new URL(`../${MOVEMENT_VECTORS_FILE}`, import.meta.url), "utf8");
const committed = JSON.parse(committedText) as MovementVectors;

/** The level as a port builds it: from the file, not from src/sim. */
const levelIndex = indexLevel({ ...committed.level, spawnPoints: [] });

/**
 * The level with walls taken the way the file's rules tell a port to: every wall whose rectangle
 * overlaps the query box, in the order of level.obstacles (the reference asks a grid), or reversed.
 */
function wallsInListOrder(isReversed: boolean): LevelIndex {
  const walls = isReversed ? [...committed.level.obstacles].reverse() : committed.level.obstacles;
  const queryBox = (minX: number, minY: number, maxX: number, maxY: number, out: Rect[]): Rect[] => {
    for (const r of walls) if (r.x + r.w >= minX && r.x <= maxX && r.y + r.h >= minY && r.y <= maxY) out.push(r);
    return out;
  };
  // Movement calls only queryBox.
  return { level: levelIndex.level, obstacleGrid: { queryBox } as unknown as SpatialGrid<Rect> };
}

/** The wire's integers: `+ 0` turns a float64 -0 into 0. */
function wire(body: VectorBody): VectorBody {
  return { x: body.x + 0, y: body.y + 0, vx: body.vx + 0, vy: body.vy + 0 };
}

interface Mismatch {
  step: number;
  input: VectorStep["input"];
  computed: VectorBody;
  recorded: VectorBody;
}

/** Replays one case as a port does; returns the first step that differs from the file, or null. */
function replay(name: string, index: LevelIndex): Mismatch | null {
  const vectorCase = committed.cases.find((c) => c.name === name)!;
  const body = { ...vectorCase.start };
  for (const [step, { input, after }] of vectorCase.steps.entries()) {
    stepWireBody(body, input, 1 / vectorCase.tickHz, index);
    const computed = wire(body);
    if (computed.x !== after.x || computed.y !== after.y || computed.vx !== after.vx || computed.vy !== after.vy) {
      return { step, input, computed, recorded: after };
    }
  }
  return null;
}

/** Rounding as C#'s Math.Round does by default: a tie goes to the even neighbour. */
function roundTiesToEven(v: number): number {
  const r = Math.floor(v);
  const fraction = v - r;
  if (fraction !== 0.5) return fraction > 0.5 ? r + 1 : r;
  return r % 2 === 0 ? r : r + 1;
}

/** The first line where two texts differ, for a message that points at the change. */
function firstDifference(actual: string, expected: string): string {
  const a = actual.split("\n");
  const e = expected.split("\n");
  const line = a.findIndex((text, i) => text !== e[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? "<end of file>")}, src/sim gives ${JSON.stringify(e[at] ?? "<end of file>")}`;
}

describe(MOVEMENT_VECTORS_FILE, () => {
  it("is what src/sim computes today", () => {
    const expected = movementVectorsJson();
    if (committedText !== expected) {
      expect.fail(`${MOVEMENT_VECTORS_FILE} differs from what src/sim computes (${firstDifference(committedText, expected)}): run npm run vectors and commit the file`);
    }
  });

  it("holds wire integers only, within the wire's types, and stays small enough to read", () => {
    expect(committed.version).toBe(MOVEMENT_VECTORS_VERSION);
    const inRange = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
    for (const c of committed.cases) {
      for (const body of [c.start, ...c.steps.map((s) => s.after)]) {
        expect(inRange(body.x, 0, 0xffff) && inRange(body.y, 0, 0xffff) && inRange(body.vx, -0x8000, 0x7fff) && inRange(body.vy, -0x8000, 0x7fff), `${c.name}: ${JSON.stringify(body)}`).toBe(true);
      }
      for (const { input } of c.steps) {
        expect(inRange(input.moveX, -1, 1) && inRange(input.moveY, -1, 1) && inRange(input.aim, 0, 0xffff), `${c.name}: ${JSON.stringify(input)}`).toBe(true);
      }
    }
    expect(committedText.length).toBeLessThan(200_000);
  });

  // What a port does: the file alone, through the browser client's own step.
  it.each(committed.cases.map((c) => c.name))("replays %s bit for bit through the client's stepWireBody", (name) => {
    expect(replay(name, levelIndex)).toBeNull();
  });

  it.each(committed.cases.map((c) => c.name))("replays %s with the walls in list order, as the rules tell a port", (name) => {
    expect(replay(name, wallsInListOrder(false))).toBeNull();
  });
});

describe("the cases catch a port's likely mistakes", () => {
  it("rounding ties to even (C#'s Math.Round) fails rounding-ties", () => {
    const round = vi.spyOn(Math, "round").mockImplementation(roundTiesToEven);
    try {
      expect(replay("rounding-ties", levelIndex)?.step).toBe(0);
    } finally {
      round.mockRestore();
    }
  });

  it("pushing out of the walls in another order fails slide-across-joint", () => {
    expect(replay("slide-across-joint", wallsInListOrder(true))).not.toBeNull();
  });
});
