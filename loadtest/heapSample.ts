/**
 * The line a server process under the heap probe (heapProbe.ts) writes on
 * stderr after each forced full GC, and its reader. One JSON object after a
 * fixed prefix, so the reader can tell these lines from anything else there.
 */

const HEAP_LINE_PREFIX = "heap-after-gc ";

export interface HeapSample {
  /** The server's PORT: which worker of a cluster wrote it. */
  port: number;
  /** A restarted worker keeps its port and gets a new pid. */
  pid: number;
  /** process.uptime() when sampled, s. */
  uptimeS: number;
  /** V8 heap in use after the collection: what survived it. */
  heapUsedBytes: number;
  rssBytes: number;
  /** How long the forced collection took (it stops the event loop; a tick may overrun). */
  gcMs: number;
}

export function formatHeapLine(sample: HeapSample): string {
  return `${HEAP_LINE_PREFIX}${JSON.stringify(sample)}`;
}

/** The sample in a probe line; undefined for any other line. */
export function parseHeapLine(line: string): HeapSample | undefined {
  if (!line.startsWith(HEAP_LINE_PREFIX)) return undefined;
  try {
    const value = JSON.parse(line.slice(HEAP_LINE_PREFIX.length)) as Partial<HeapSample>;
    const fields = [value.port, value.pid, value.uptimeS, value.heapUsedBytes, value.rssBytes, value.gcMs];
    return fields.every((f) => typeof f === "number" && Number.isFinite(f)) ? value as HeapSample : undefined;
  } catch {
    return undefined;
  }
}
