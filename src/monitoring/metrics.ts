import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ArenaTelemetry } from "../../rooms/settings.ts";
import type { ClientNetStats } from "../../rooms/roomStats.ts";
import type { ProcessSnapshot } from "./processSnapshot.ts";

export interface RoomSampleForMetrics {
  sentBytes: number;
  inputs: number;
  patchFramesSent: number;
  laggingClients: number;
  refusedClients: number;
  clients: ClientNetStats[];
}

const LABELS = ["room_type"] as const;

interface RoomSeries {
  tickSeconds: { observe(value: number): void };
  patchSeconds: { observe(value: number): void };
  overruns: { inc(): void };
}

/**
 * Prometheus metrics of this process: Node's default `nodejs_*`/`process_*`
 * plus `gameserver_*` in base units. Per-tick work is one histogram observe;
 * everything else is set from the once-a-second process snapshot.
 */
export class GameMetrics implements ArenaTelemetry {
  readonly registry = new Registry();
  /** Off: tick and patch reports are ignored (for measuring what metrics cost). */
  isEnabled = true;
  private readonly roomTypes = new Map<string, string>();
  /** Per room, its series bound to their labels once: observe() with a label object hashes the labels on every call. */
  private readonly roomSeries = new Map<string, RoomSeries>();
  private readonly tickBudgetMicros: number;

  private readonly tickSeconds = new Histogram({
    name: "gameserver_tick_duration_seconds", help: "Simulation step of one room tick (inputs, world step, its events).",
    labelNames: LABELS, buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05], registers: [this.registry],
  });
  private readonly patchSeconds = new Histogram({
    name: "gameserver_patch_duration_seconds", help: "One patch: schema sync, interest update, encode of every client view, and send.",
    labelNames: LABELS, buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05], registers: [this.registry],
  });
  private readonly overruns = new Counter({
    name: "gameserver_tick_overruns_total", help: "Ticks or patches that took longer than one tick interval.",
    labelNames: LABELS, registers: [this.registry],
  });
  private readonly sentBytes = new Counter({
    name: "gameserver_sent_bytes_total", help: "Bytes written to clients' sockets.", labelNames: LABELS, registers: [this.registry],
  });
  private readonly messagesIn = new Counter({
    name: "gameserver_messages_received_total", help: "Client inputs applied.", labelNames: LABELS, registers: [this.registry],
  });
  private readonly messagesOut = new Counter({
    name: "gameserver_messages_sent_total", help: "Patch frames sent to clients.", labelNames: LABELS, registers: [this.registry],
  });
  private readonly clientSentBytesPerSecond = new Histogram({
    name: "gameserver_client_sent_bytes_per_second", help: "Per client, bytes sent over the last second.",
    labelNames: LABELS, buckets: [250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000], registers: [this.registry],
  });
  private readonly clientRttSeconds = new Histogram({
    name: "gameserver_client_rtt_seconds", help: "Per client, WebSocket ping round trip.",
    labelNames: LABELS, buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1], registers: [this.registry],
  });
  private readonly sendBufferMax = new Gauge({
    name: "gameserver_client_send_buffer_max_bytes", help: "Largest per-client send buffer (bytes not yet written).",
    labelNames: LABELS, registers: [this.registry],
  });
  private readonly clients = new Gauge({
    name: "gameserver_clients", help: "Connected clients.", labelNames: LABELS, registers: [this.registry],
  });
  private readonly rooms = new Gauge({
    name: "gameserver_rooms", help: "Rooms running on this process.", labelNames: LABELS, registers: [this.registry],
  });
  private readonly stateSize = new Gauge({
    name: "gameserver_state_size_max_bytes", help: "Largest full-state size of a room.", labelNames: LABELS, registers: [this.registry],
  });
  private readonly laggingClients = new Gauge({
    name: "gameserver_lagging_clients", help: "Clients past a quarter of MAX_CLIENT_BUFFER_BYTES in the last second.",
    labelNames: LABELS, registers: [this.registry],
  });
  private readonly refusedClients = new Counter({
    name: "gameserver_refused_clients_total", help: "Clients closed for sending invalid frames.", labelNames: LABELS, registers: [this.registry],
  });
  private readonly draining = new Gauge({ name: "gameserver_draining", help: "1 while this process drains.", registers: [this.registry] });
  private readonly redisUp = new Gauge({
    name: "gameserver_redis_up", help: "1 when Redis answers, 0 when it is down (absent when embedded).", registers: [this.registry],
  });
  private readonly load = new Gauge({ name: "gameserver_placement_load", help: "This process's placement score, in room equivalents.", registers: [this.registry] });

  constructor(tickHz: number) {
    this.tickBudgetMicros = 1_000_000 / tickHz;
    collectDefaultMetrics({ register: this.registry });
  }

  onRoomCreated(roomId: string, roomType: string): void {
    this.roomTypes.set(roomId, roomType);
    this.roomSeries.delete(roomId);
  }

  onRoomDisposed(roomId: string): void {
    this.roomTypes.delete(roomId);
    this.roomSeries.delete(roomId);
  }

  onTick(roomId: string, simMicros: number): void {
    if (!this.isEnabled) return;
    const series = this.seriesOf(roomId);
    series.tickSeconds.observe(simMicros / 1e6);
    if (simMicros > this.tickBudgetMicros) series.overruns.inc();
  }

  onPatch(roomId: string, patchMicros: number): void {
    if (!this.isEnabled) return;
    const series = this.seriesOf(roomId);
    series.patchSeconds.observe(patchMicros / 1e6);
    if (patchMicros > this.tickBudgetMicros) series.overruns.inc();
  }

  private seriesOf(roomId: string): RoomSeries {
    let series = this.roomSeries.get(roomId);
    if (series === undefined) {
      const labels = { room_type: this.roomTypes.get(roomId) ?? "unknown" };
      series = {
        tickSeconds: this.tickSeconds.labels(labels),
        patchSeconds: this.patchSeconds.labels(labels),
        overruns: this.overruns.labels(labels),
      };
      this.roomSeries.set(roomId, series);
    }
    return series;
  }

  /** Sets the per-second figures from this process's snapshot. */
  update(snapshot: ProcessSnapshot, samples: Map<string, RoomSampleForMetrics>): void {
    if (!this.isEnabled) return;
    this.rooms.reset();
    this.clients.reset();
    this.sendBufferMax.reset();
    this.stateSize.reset();
    this.laggingClients.reset();
    const maxBuffer = new Map<string, number>();
    const maxState = new Map<string, number>();
    for (const room of snapshot.rooms) {
      const labels = { room_type: room.roomType };
      this.rooms.inc(labels);
      this.clients.inc(labels, room.clients);
      maxState.set(room.roomType, Math.max(maxState.get(room.roomType) ?? 0, room.stateSizeBytes));
      const sample = samples.get(room.roomId);
      if (sample === undefined) continue;
      this.sentBytes.inc(labels, sample.sentBytes);
      this.messagesIn.inc(labels, sample.inputs);
      this.messagesOut.inc(labels, sample.patchFramesSent);
      this.laggingClients.inc(labels, sample.laggingClients);
      this.refusedClients.inc(labels, sample.refusedClients);
      for (const client of sample.clients) {
        this.clientSentBytesPerSecond.observe(labels, client.bytesOutPerS);
        if (client.rttMs !== null) this.clientRttSeconds.observe(labels, client.rttMs / 1000);
        maxBuffer.set(room.roomType, Math.max(maxBuffer.get(room.roomType) ?? 0, client.sendBufferBytes));
      }
    }
    for (const [type, bytes] of maxBuffer) this.sendBufferMax.set({ room_type: type }, bytes);
    for (const [type, bytes] of maxState) this.stateSize.set({ room_type: type }, bytes);
    this.draining.set(snapshot.draining ? 1 : 0);
    if (snapshot.redis !== "embedded") this.redisUp.set(snapshot.redis === "ok" ? 1 : 0);
    this.load.set(snapshot.load);
  }
}
