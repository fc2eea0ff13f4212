import { describe, expect, it } from "vitest";
import { GameMetrics, type RoomSampleForMetrics } from "./metrics.ts";
import type { ProcessSnapshot, RoomSummary } from "./processSnapshot.ts";

const OPTIONS = { tickHz: 30, isRedisUsed: false, gameRoomTypes: ["arena"], maxClientsPerProcess: 100, maxRoomsPerProcess: 10, build: { version: "1", node: "v24", colyseus: "0.18" } };

function snapshotWith(rooms: Partial<RoomSummary>[]): ProcessSnapshot {
  return {
    processId: "p", address: "a", ccu: 0, roomCount: rooms.length, cpuPct: 0, rssBytes: 0, eventLoopLagP99Ms: 0, tickP99Ms: 0, bytesOutPerS: 0,
    draining: false, redis: "embedded", load: 0,
    rooms: rooms.map((r, i) => ({ roomId: `r${i}`, roomType: "arena", processId: "p", clients: 0, maxClients: 64, tickP99Ms: 0, bytesOutPerS: 0, ageS: 0, locked: false, stateSizeBytes: 0, ...r })),
  };
}

const sample = (figures: Partial<RoomSampleForMetrics>): RoomSampleForMetrics => ({
  sentBytes: 0, inputs: 0, patchFramesSent: 0, laggingClients: 0, refusedClients: 0, slowClosedClients: 0, clients: [], ...figures,
});

async function valueOf(metrics: GameMetrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe("GameMetrics.update", () => {
  it("adds each sample's counts to its room type's counters, and gauges fall back to 0 when the room is gone", async () => {
    const metrics = new GameMetrics(OPTIONS);
    const census = new Map([["arena", { rooms: 1, clients: 3 }], ["lobby", { rooms: 0, clients: 0 }]]);
    const busy = sample({
      inputs: 40, patchFramesSent: 60, slowClosedClients: 2, refusedClients: 1, laggingClients: 1,
      clients: [{ sessionId: "s", rttMs: 20, bytesOutPerS: 1000, sendBufferBytes: 5000 }],
    });
    metrics.update(snapshotWith([{ stateSizeBytes: 900 }]), new Map([["r0", busy]]), census);
    metrics.update(snapshotWith([{ stateSizeBytes: 900 }]), new Map([["r0", sample({ inputs: 2, slowClosedClients: 1 })]]), census);
    const arena = { room_type: "arena" };
    expect(await valueOf(metrics, "gameserver_inputs_applied_total", arena)).toBe(42);
    expect(await valueOf(metrics, "gameserver_patch_frames_sent_total", arena)).toBe(60);
    expect(await valueOf(metrics, "gameserver_slow_client_closes_total", arena)).toBe(3);
    expect(await valueOf(metrics, "gameserver_refused_clients_total", arena)).toBe(1);
    expect(await valueOf(metrics, "gameserver_clients", arena)).toBe(3);

    metrics.update(snapshotWith([]), new Map(), new Map([["arena", { rooms: 0, clients: 0 }], ["lobby", { rooms: 0, clients: 0 }]]));
    for (const name of ["gameserver_rooms", "gameserver_clients", "gameserver_client_send_buffer_max_bytes", "gameserver_state_size_max_bytes", "gameserver_lagging_clients"]) {
      expect(await valueOf(metrics, name, arena), name).toBe(0);
    }
    expect(await valueOf(metrics, "gameserver_rooms", { room_type: "lobby" })).toBe(0);
  });
});
