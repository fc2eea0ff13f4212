import type { Page } from "playwright-core";
import { PLAYER_RADIUS_UNITS } from "../../../src/sim/constants.ts";
import { ARENA_LEVEL, type Level } from "../../../src/sim/level.ts";

interface Point {
  x: number;
  y: number;
}

/** Clearance kept from walls on top of the player's radius, for the brake overshoot. */
const MARGIN_UNITS = 0.8;

/**
 * A walkable route from `from` to `to` on a 1 u grid (breadth-first,
 * 8-connected), as the corners where its direction changes. Cells closer to
 * a wall than the player's radius plus a margin are blocked.
 */
export function findPath(from: Point, to: Point, level: Level = ARENA_LEVEL): Point[] {
  const w = level.widthUnits;
  const h = level.heightUnits;
  const clearance = PLAYER_RADIUS_UNITS + MARGIN_UNITS;
  const isFree = (cx: number, cy: number) => {
    const x = cx + 0.5;
    const y = cy + 0.5;
    if (x < clearance || y < clearance || x > w - clearance || y > h - clearance) return false;
    return level.obstacles.every((r) => {
      const nx = Math.min(Math.max(x, r.x), r.x + r.w);
      const ny = Math.min(Math.max(y, r.y), r.y + r.h);
      return Math.hypot(x - nx, y - ny) >= clearance;
    });
  };
  const key = (cx: number, cy: number) => cy * w + cx;
  const start = { x: Math.floor(from.x), y: Math.floor(from.y) };
  const goal = { x: Math.floor(to.x), y: Math.floor(to.y) };
  const cameFrom = new Map<number, number>([[key(start.x, start.y), -1]]);
  const queue: Point[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const c = queue[head]!;
    if (c.x === goal.x && c.y === goal.y) break;
    for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]] as const) {
      const nx = c.x + dx;
      const ny = c.y + dy;
      if (nx < 0 || ny < 0 || nx >= w || ny >= h || cameFrom.has(key(nx, ny))) continue;
      // No cutting corners diagonally past a wall.
      if (!isFree(nx, ny) || !isFree(c.x + dx, c.y) || !isFree(c.x, c.y + dy)) continue;
      cameFrom.set(key(nx, ny), key(c.x, c.y));
      queue.push({ x: nx, y: ny });
    }
  }
  if (!cameFrom.has(key(goal.x, goal.y))) throw new Error(`no path from (${from.x}, ${from.y}) to (${to.x}, ${to.y})`);
  const cells: Point[] = [];
  for (let k = key(goal.x, goal.y); k !== -1; k = cameFrom.get(k)!) cells.push({ x: (k % w) + 0.5, y: Math.floor(k / w) + 0.5 });
  cells.reverse();
  // Keep the corners only.
  return cells.filter((c, i) => {
    const prev = cells[i - 1];
    const next = cells[i + 1];
    if (prev === undefined || next === undefined) return true;
    return c.x - prev.x !== next.x - c.x || c.y - prev.y !== next.y - c.y;
  });
}

/**
 * Walks the own player through `waypoints` by pressing WASD in the page (as
 * synthetic key events, every frame, with no round trip to the test), within
 * `deadlineMs`. Resolves with the position reached.
 */
export async function walk(page: Page, waypoints: Point[], deadlineMs = 60_000): Promise<Point> {
  return page.evaluate(({ waypoints, deadlineMs }) => new Promise<Point>((resolve, reject) => {
    const held = new Set<string>();
    const press = (code: string, down: boolean) => {
      if (down === held.has(code)) return;
      if (down) held.add(code);
      else held.delete(code);
      window.dispatchEvent(new KeyboardEvent(down ? "keydown" : "keyup", { code, bubbles: true }));
    };
    const releaseAll = () => {
      for (const code of [...held]) press(code, false);
    };
    const startedAt = performance.now();
    let next = 0;
    const step = () => {
      const me = window.__arena!.predicted();
      if (me === null) {
        requestAnimationFrame(step);
        return;
      }
      let target = waypoints[next]!;
      const isLast = next === waypoints.length - 1;
      if (Math.hypot(target.x - me.x, target.y - me.y) < (isLast ? 0.6 : 1.2)) {
        if (isLast) {
          releaseAll();
          resolve(me);
          return;
        }
        next++;
        target = waypoints[next]!;
      }
      if (performance.now() - startedAt > deadlineMs) {
        releaseAll();
        reject(new Error(`walk: stuck at (${me.x.toFixed(1)}, ${me.y.toFixed(1)}) on the way to waypoint ${next}`));
        return;
      }
      const dx = target.x - me.x;
      const dy = target.y - me.y;
      press("KeyD", dx > 0.3);
      press("KeyA", dx < -0.3);
      press("KeyS", dy > 0.3);
      press("KeyW", dy < -0.3);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }), { waypoints, deadlineMs });
}
