interface Entry<T> {
  item: T;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Id of the last query that returned this entry: dedupes boxes spanning cells. */
  seenByQuery: number;
}

/**
 * Uniform spatial hash grid over a bounded area. Points (players,
 * projectiles) and boxes (obstacles) are stored in every cell they touch;
 * queries visit only the cells overlapping the query box. Positions outside
 * the area are clamped to the border cells, so nothing is ever lost.
 */
export class SpatialGrid<T> {
  readonly cellUnits: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly cells: Entry<T>[][];
  /** Indices of the cells holding entries since the last clear: a clear visits only these. */
  private readonly occupiedCells: number[] = [];
  /** Entries are reused across clears: a grid rebuilt every tick allocates nothing once warm. */
  private readonly entryPool: Entry<T>[] = [];
  private entriesInUse = 0;
  private queryId = 0;

  constructor(widthUnits: number, heightUnits: number, cellUnits: number) {
    this.cellUnits = cellUnits;
    this.cols = Math.max(1, Math.ceil(widthUnits / cellUnits));
    this.rows = Math.max(1, Math.ceil(heightUnits / cellUnits));
    this.cells = Array.from({ length: this.cols * this.rows }, () => []);
  }

  clear(): void {
    for (const index of this.occupiedCells) this.cells[index]!.length = 0;
    this.occupiedCells.length = 0;
    // Pooled entries keep their last item until reused: at most one rebuild's worth, never grown by churn.
    this.entriesInUse = 0;
  }

  insertPoint(item: T, x: number, y: number): void {
    this.insertBox(item, x, y, x, y);
  }

  insertBox(item: T, minX: number, minY: number, maxX: number, maxY: number): void {
    const entry = this.takeEntry();
    entry.item = item;
    entry.minX = minX;
    entry.minY = minY;
    entry.maxX = maxX;
    entry.maxY = maxY;
    const c0 = this.col(minX);
    const c1 = this.col(maxX);
    const r0 = this.row(minY);
    const r1 = this.row(maxY);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const index = r * this.cols + c;
        const cell = this.cells[index]!;
        if (cell.length === 0) this.occupiedCells.push(index);
        cell.push(entry);
      }
    }
  }

  /** Items whose box overlaps the query box, each once, appended to `out`. */
  queryBox(minX: number, minY: number, maxX: number, maxY: number, out: T[]): T[] {
    const id = ++this.queryId;
    const c0 = this.col(minX);
    const c1 = this.col(maxX);
    const r0 = this.row(minY);
    const r1 = this.row(maxY);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        for (const e of this.cells[r * this.cols + c]!) {
          if (e.seenByQuery === id) continue;
          e.seenByQuery = id;
          if (e.maxX >= minX && e.minX <= maxX && e.maxY >= minY && e.minY <= maxY) out.push(e.item);
        }
      }
    }
    return out;
  }

  /** Point items within `radius` (inclusive) of (x, y), appended to `out`. */
  queryRadius(x: number, y: number, radius: number, out: T[]): T[] {
    const id = ++this.queryId;
    const rSq = radius * radius;
    const c0 = this.col(x - radius);
    const c1 = this.col(x + radius);
    const r0 = this.row(y - radius);
    const r1 = this.row(y + radius);
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        for (const e of this.cells[r * this.cols + c]!) {
          if (e.seenByQuery === id) continue;
          e.seenByQuery = id;
          const dx = e.minX - x;
          const dy = e.minY - y;
          if (dx * dx + dy * dy <= rSq) out.push(e.item);
        }
      }
    }
    return out;
  }

  private takeEntry(): Entry<T> {
    if (this.entriesInUse < this.entryPool.length) return this.entryPool[this.entriesInUse++]!;
    // seenByQuery -1: no query has returned it (query ids start at 1 and only grow, so a reused entry's old id is harmless).
    const entry = { item: undefined as unknown as T, minX: 0, minY: 0, maxX: 0, maxY: 0, seenByQuery: -1 };
    this.entryPool.push(entry);
    this.entriesInUse++;
    return entry;
  }

  private col(x: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor(x / this.cellUnits)));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor(y / this.cellUnits)));
  }
}
