/** Plain 2-D geometry used by movement, projectiles and their tests. */

export interface Vec2 {
  x: number;
  y: number;
}

/** Axis-aligned rectangle: min corner and size, in units. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Pushes a circle out of a rectangle it overlaps. Mutates `c` and returns the
 * unit normal it was pushed along, or null when they do not overlap.
 * Callers keep steps short enough that the centre never enters the rectangle
 * (see `stepPlayerMovement`), so the closest-point normal is always defined.
 */
export function pushCircleOutOfRect(c: Vec2, radius: number, r: Rect): Vec2 | null {
  const closestX = Math.min(Math.max(c.x, r.x), r.x + r.w);
  const closestY = Math.min(Math.max(c.y, r.y), r.y + r.h);
  const dx = c.x - closestX;
  const dy = c.y - closestY;
  const distSq = dx * dx + dy * dy;
  if (distSq >= radius * radius) return null;
  if (distSq === 0) {
    // Centre inside: leave along the axis of least penetration.
    const left = c.x - r.x;
    const right = r.x + r.w - c.x;
    const top = c.y - r.y;
    const bottom = r.y + r.h - c.y;
    const least = Math.min(left, right, top, bottom);
    if (least === left) { c.x = r.x - radius; return { x: -1, y: 0 }; }
    if (least === right) { c.x = r.x + r.w + radius; return { x: 1, y: 0 }; }
    if (least === top) { c.y = r.y - radius; return { x: 0, y: -1 }; }
    c.y = r.y + r.h + radius;
    return { x: 0, y: 1 };
  }
  const dist = Math.sqrt(distSq);
  const nx = dx / dist;
  const ny = dy / dist;
  c.x = closestX + nx * radius;
  c.y = closestY + ny * radius;
  return { x: nx, y: ny };
}

/**
 * Fraction t in [0, 1] along the segment a->b where it first touches a circle
 * (centre c, radius), or -1 when it misses. A segment starting inside hits at 0.
 */
export function segmentCircleHit(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, radius: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const fx = ax - cx;
  const fy = ay - cy;
  const c = fx * fx + fy * fy - radius * radius;
  if (c <= 0) return 0;
  const a = dx * dx + dy * dy;
  if (a === 0) return -1;
  const b = 2 * (fx * dx + fy * dy);
  const disc = b * b - 4 * a * c;
  if (disc < 0) return -1;
  const t = (-b - Math.sqrt(disc)) / (2 * a);
  return t >= 0 && t <= 1 ? t : -1;
}

/**
 * Fraction t in [0, 1] along a->b where it enters the rectangle grown by
 * `pad` on every side (slab method), or -1 when it misses.
 */
export function segmentRectHit(ax: number, ay: number, bx: number, by: number, r: Rect, pad: number): number {
  let tMin = 0;
  let tMax = 1;
  const d = [bx - ax, by - ay] as const;
  const origin = [ax, ay] as const;
  const lo = [r.x - pad, r.y - pad] as const;
  const hi = [r.x + r.w + pad, r.y + r.h + pad] as const;
  for (let axis = 0; axis < 2; axis++) {
    const o = origin[axis]!;
    const dir = d[axis]!;
    const min = lo[axis]!;
    const max = hi[axis]!;
    if (dir === 0) {
      if (o < min || o > max) return -1;
      continue;
    }
    let t1 = (min - o) / dir;
    let t2 = (max - o) / dir;
    if (t1 > t2) [t1, t2] = [t2, t1];
    tMin = Math.max(tMin, t1);
    tMax = Math.min(tMax, t2);
    if (tMin > tMax) return -1;
  }
  return tMin;
}
