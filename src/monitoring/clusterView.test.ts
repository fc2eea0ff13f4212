import { describe, expect, it } from "vitest";
import { ClusterView, FORGET_AFTER_MS, STALE_AFTER_MS } from "./clusterView.ts";
import type { ProcessSnapshot } from "./processSnapshot.ts";

function snapshot(processId: string, ccu: number): ProcessSnapshot {
  return {
    processId, address: `127.0.0.1:${processId}`, ccu, roomCount: 1, cpuPct: 5, rssBytes: 1e8, eventLoopLagP99Ms: 1,
    tickP99Ms: 0.5, bytesOutPerS: 1000, draining: false, redis: "ok", load: 1,
    rooms: [{ roomId: `r${processId}`, roomType: "arena", processId, clients: ccu, maxClients: 64, tickP99Ms: 0.5, bytesOutPerS: 1000, ageS: 1, locked: false, stateSizeBytes: 100 }],
  };
}

describe("cluster view", () => {
  it("totals live processes, marks a silent one stale, then forgets it", () => {
    const view = new ClusterView();
    view.receive(snapshot("a", 10), 0);
    view.receive(snapshot("b", 5), 0);
    expect(view.toJSON(1_000).totals).toEqual({ processes: 2, ccu: 15, rooms: 2, bytesOutPerS: 2000 });

    view.receive(snapshot("a", 11), STALE_AFTER_MS);
    const later = view.toJSON(STALE_AFTER_MS + 1);
    expect(later.processes.find((p) => p.processId === "b")?.stale).toBe(true);
    expect(later.processes.find((p) => p.processId === "a")?.stale).toBe(false);
    expect(later.totals.ccu).toBe(11);
    expect(later.rooms.map((r) => r.roomId)).toEqual(["ra"]);

    expect(view.toJSON(FORGET_AFTER_MS + 1).processes.map((p) => p.processId)).toEqual(["a"]);
  });

  it("keeps 15 minutes of one-second history points", () => {
    const view = new ClusterView();
    for (let s = 0; s < 1_000; s++) {
      view.receive(snapshot("a", s), s * 1000);
      view.recordHistory(s * 1000);
    }
    const points = view.history();
    expect(points).toHaveLength(900);
    expect(points.at(-1)).toEqual({ at: 999_000, ccu: 999, tickP99Ms: 0.5, bytesOutPerS: 1000 });
  });
});
