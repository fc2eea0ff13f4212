/**
 * Preloaded into server processes by `npm run heap-check` and `npm run soak`
 * (`node --import loadtest/heapProbe.ts`, or through NODE_OPTIONS so that a
 * supervisor's workers get it too): every HEAP_PROBE_INTERVAL_S seconds
 * (default 10) a full garbage collection, then the heap that survived it and
 * the RSS, as one line on stderr (heapSample.ts). A leak raises the heap after
 * GC; GC's sawtooth does not. Only the server entry (src/index.ts) is probed:
 * a supervisor that inherits NODE_OPTIONS loads this and does nothing.
 */
import { basename } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { formatHeapLine } from "./heapSample.ts";

type Collect = () => void;

/** `gc` from --expose-gc, else the same function made available at run time. */
function garbageCollector(): Collect {
  const exposed = (globalThis as { gc?: Collect }).gc;
  if (exposed !== undefined) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as Collect;
}

const isServer = basename(process.argv[1] ?? "") === "index.ts";
const intervalS = Number(process.env.HEAP_PROBE_INTERVAL_S ?? "10");
if (isServer) {
  if (!(intervalS >= 1 && intervalS <= 3_600)) throw new Error(`HEAP_PROBE_INTERVAL_S=${JSON.stringify(process.env.HEAP_PROBE_INTERVAL_S)} is invalid: expected 1-3600 s`);
  const gc = garbageCollector();
  setInterval(() => {
    const started = performance.now();
    // Twice: the second pass frees what the first one's finalizers released.
    gc();
    gc();
    const gcMs = performance.now() - started;
    const memory = process.memoryUsage();
    process.stderr.write(`${formatHeapLine({
      port: Number(process.env.PORT), pid: process.pid, uptimeS: process.uptime(),
      heapUsedBytes: memory.heapUsed, rssBytes: memory.rss, gcMs: Math.round(gcMs * 10) / 10,
    })}\n`);
  }, intervalS * 1000).unref();
}
