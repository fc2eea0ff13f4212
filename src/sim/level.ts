import { ARENA_HEIGHT_UNITS, ARENA_WIDTH_UNITS, GRID_CELL_UNITS } from "./constants.ts";
import type { Rect, Vec2 } from "./geometry.ts";
import { SpatialGrid } from "./spatialGrid.ts";

/** Static layout of an arena: its bounds, walls and spawn points, in units. */
export interface Level {
  widthUnits: number;
  heightUnits: number;
  /** Walls are at least 2 u thick, so a 1 u player stepping <= 0.5 u never crosses one. */
  obstacles: readonly Rect[];
  spawnPoints: readonly Vec2[];
}

/** A level plus the grid its walls are indexed in, built once per room. */
export interface LevelIndex {
  level: Level;
  obstacleGrid: SpatialGrid<Rect>;
}

/** The arena: a point-symmetric layout of cover around an open centre. */
export const ARENA_LEVEL: Level = {
  widthUnits: ARENA_WIDTH_UNITS,
  heightUnits: ARENA_HEIGHT_UNITS,
  obstacles: [
    { x: 40, y: 40, w: 30, h: 4 },
    { x: 40, y: 44, w: 4, h: 20 },
    { x: 130, y: 156, w: 30, h: 4 },
    { x: 156, y: 136, w: 4, h: 20 },
    { x: 130, y: 40, w: 30, h: 4 },
    { x: 156, y: 44, w: 4, h: 20 },
    { x: 40, y: 156, w: 30, h: 4 },
    { x: 40, y: 136, w: 4, h: 20 },
    { x: 92, y: 92, w: 16, h: 16 },
    { x: 96, y: 20, w: 8, h: 30 },
    { x: 96, y: 150, w: 8, h: 30 },
    { x: 20, y: 96, w: 30, h: 8 },
    { x: 150, y: 96, w: 30, h: 8 },
    { x: 70, y: 120, w: 12, h: 3 },
    { x: 118, y: 77, w: 12, h: 3 },
  ],
  spawnPoints: [
    { x: 10, y: 10 }, { x: 100, y: 8 }, { x: 190, y: 10 },
    { x: 8, y: 100 }, { x: 192, y: 100 },
    { x: 10, y: 190 }, { x: 100, y: 192 }, { x: 190, y: 190 },
    { x: 70, y: 75 }, { x: 130, y: 75 }, { x: 70, y: 125 }, { x: 130, y: 125 },
    { x: 30, y: 30 }, { x: 170, y: 30 }, { x: 30, y: 170 }, { x: 170, y: 170 },
  ],
};

export function indexLevel(level: Level): LevelIndex {
  const obstacleGrid = new SpatialGrid<Rect>(level.widthUnits, level.heightUnits, GRID_CELL_UNITS);
  for (const r of level.obstacles) obstacleGrid.insertBox(r, r.x, r.y, r.x + r.w, r.y + r.h);
  return { level, obstacleGrid };
}
