import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RoomTypeCount } from "../../rooms/liveRooms.ts";
import type { ClientNetStats } from "../../rooms/roomStats.ts";
import type { ArenaTelemetry, RoomIdentity } from "../../rooms/settings.ts";
import { MATCHMAKING_METHODS, MATCHMAKING_OUTCOMES, type MatchmakingOutcome } from "../http/matchmakingOutcome.ts";
import type { BuildInfo } from "./buildInfo.ts";
import type { ProcessSnapshot } from "./processSnapshot.ts";

export interface RoomSampleForMetrics {
  sentBytes: number;
  inputs: number;
  patchFramesSent: number;
  laggingClients: number;
  refusedClients: number;
  slowClosedClients: number;
  clients: ClientNetStats[];
}

export interface GameMetricsOptions {
  tickHz: number;
  /** REDIS_URL is set: only then is there a `gameserver_redis_up`. */
  isRedisUsed: boolean;
  /** Room types that report ticks, patches and client figures: their series exist, at 0, before any such room. */
  gameRoomTypes: readonly string[];
  maxClientsPerProcess: number;
  maxRoomsPerProcess: number;
  build: BuildInfo;
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
 * Every series a dashboard or alert reads exists from the start, at 0 where
 * there is nothing yet: absent series read as "no data", not as 0.
 */
export class GameMetrics implements ArenaTelemetry {
  readonly registry = new Registry();
  /** Off: tick and patch reports are ignored (for measuring what metrics cost). */
  isEnabled = true;
  /** Per room type, its series bound to their labels once: observe() with a label object hashes the labels on every call. */
  private readonly roomSeries = new Map<string, RoomSeries>();
  private readonly tickBudgetMicros: number;
  private readonly gameRoomTypes: readonly string[];

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
  private readonly inputsApplied = new Counter({
    name: "gameserver_inputs_applied_total", help: "Client inputs applied by the simulation.", labelNames: LABELS, registers: [this.registry],
  });
  private readonly patchFramesSent = new Counter({
    name: "gameserver_patch_frames_sent_total", help: "Patch frames sent to clients (one per client per patch).", labelNames: LABELS, registers: [this.registry],
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
    name: "gameserver_clients", help: "Connected clients, per registered room type.", labelNames: LABELS, registers: [this.registry],
  });
  private readonly rooms = new Gauge({
    name: "gameserver_rooms", help: "Rooms running on this process, per registered room type.", labelNames: LABELS, registers: [this.registry],
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
  private readonly slowClientCloses = new Counter({
    name: "gameserver_slow_client_closes_total", help: "Clients closed (4103) for not reading: their send buffer passed MAX_CLIENT_BUFFER_BYTES.",
    labelNames: LABELS, registers: [this.registry],
  });
  private readonly matchmakingRequests = new Counter({
    name: "gameserver_matchmaking_requests_total", help: "Matchmaking requests answered by this process, by method and outcome.",
    labelNames: ["method", "outcome"] as const, registers: [this.registry],
  });
  private readonly matchmakingSeconds = new Histogram({
    name: "gameserver_matchmaking_duration_seconds", help: "Time from a matchmaking request to its answer (a seat reservation or a refusal).",
    labelNames: ["outcome"] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [this.registry],
  });
  private readonly draining = new Gauge({ name: "gameserver_draining", help: "1 while this process drains.", registers: [this.registry] });
  /** Undefined when embedded (no REDIS_URL): no series at all, rather than a "down" that is not one. */
  private readonly redisUp: Gauge | undefined;
  private readonly load = new Gauge({ name: "gameserver_placement_load", help: "This process's placement score, in room equivalents.", registers: [this.registry] });

  constructor(options: GameMetricsOptions) {
    this.tickBudgetMicros = 1_000_000 / options.tickHz;
    this.gameRoomTypes = options.gameRoomTypes;
    collectDefaultMetrics({ register: this.registry });
    if (options.isRedisUsed) {
      this.redisUp = new Gauge({ name: "gameserver_redis_up", help: "1 when Redis answers, 0 when it is down (absent without REDIS_URL).", registers: [this.registry] });
    }
    new Gauge({
      name: "gameserver_client_capacity", help: "MAX_CLIENTS_PER_PROCESS: clients this process admits before matchmaking looks elsewhere.",
      registers: [this.registry],
    }).set(options.maxClientsPerProcess);
    new Gauge({
      name: "gameserver_room_capacity", help: "MAX_ROOMS_PER_PROCESS: game rooms this process holds before placement looks elsewhere.",
      registers: [this.registry],
    }).set(options.maxRoomsPerProcess);
    new Gauge({
      name: "gameserver_build_info", help: "Always 1; the labels say what runs: this server's version, Node's, and @colyseus/core's.",
      labelNames: ["version", "node", "colyseus"] as const, registers: [this.registry],
    }).set({ ...options.build }, 1);
    for (const roomType of this.gameRoomTypes) this.zeroRoomType({ room_type: roomType });
    for (const outcome of MATCHMAKING_OUTCOMES) {
      this.matchmakingSeconds.zero({ outcome });
      for (const method of MATCHMAKING_METHODS) this.matchmakingRequests.inc({ method, outcome }, 0);
    }
  }

  /** A game room type's counters and histograms, at 0 before its first room (rate() needs a series to start from). */
  private zeroRoomType(labels: { room_type: string }): void {
    for (const histogram of [this.tickSeconds, this.patchSeconds, this.clientSentBytesPerSecond, this.clientRttSeconds]) histogram.zero(labels);
    for (const counter of [this.overruns, this.sentBytes, this.inputsApplied, this.patchFramesSent, this.refusedClients, this.slowClientCloses]) {
      counter.inc(labels, 0);
    }
  }

  onTick(room: RoomIdentity, simMicros: number): void {
    if (!this.isEnabled) return;
    const series = this.seriesOf(room.roomType);
    series.tickSeconds.observe(simMicros / 1e6);
    if (simMicros > this.tickBudgetMicros) series.overruns.inc();
  }

  onPatch(room: RoomIdentity, patchMicros: number): void {
    if (!this.isEnabled) return;
    const series = this.seriesOf(room.roomType);
    series.patchSeconds.observe(patchMicros / 1e6);
    if (patchMicros > this.tickBudgetMicros) series.overruns.inc();
  }

  /** One answered matchmaking request (see src/http/matchmakingOutcome.ts). */
  onMatchmaking(method: string, outcome: MatchmakingOutcome, seconds: number): void {
    if (!this.isEnabled) return;
    this.matchmakingRequests.inc({ method, outcome });
    this.matchmakingSeconds.observe({ outcome }, seconds);
  }

  private seriesOf(roomType: string): RoomSeries {
    let series = this.roomSeries.get(roomType);
    if (series === undefined) {
      const labels = { room_type: roomType };
      series = {
        tickSeconds: this.tickSeconds.labels(labels),
        patchSeconds: this.patchSeconds.labels(labels),
        overruns: this.overruns.labels(labels),
      };
      this.roomSeries.set(roomType, series);
    }
    return series;
  }

  /**
   * Sets the per-second figures from this process's snapshot (its game rooms, with their samples)
   * and its census (rooms and clients of every registered room type, zeros included).
   */
  update(snapshot: ProcessSnapshot, samples: Map<string, RoomSampleForMetrics>, census: ReadonlyMap<string, RoomTypeCount>): void {
    if (!this.isEnabled) return;
    for (const [roomType, count] of census) {
      this.rooms.set({ room_type: roomType }, count.rooms);
      this.clients.set({ room_type: roomType }, count.clients);
    }
    const maxBuffer = new Map<string, number>();
    const maxState = new Map<string, number>();
    const lagging = new Map<string, number>();
    for (const roomType of this.gameRoomTypes) {
      maxBuffer.set(roomType, 0);
      maxState.set(roomType, 0);
      lagging.set(roomType, 0);
    }
    for (const room of snapshot.rooms) {
      const type = room.roomType;
      const labels = { room_type: type };
      maxState.set(type, Math.max(maxState.get(type) ?? 0, room.stateSizeBytes));
      const sample = samples.get(room.roomId);
      if (sample === undefined) continue;
      this.sentBytes.inc(labels, sample.sentBytes);
      this.inputsApplied.inc(labels, sample.inputs);
      this.patchFramesSent.inc(labels, sample.patchFramesSent);
      this.refusedClients.inc(labels, sample.refusedClients);
      this.slowClientCloses.inc(labels, sample.slowClosedClients);
      lagging.set(type, (lagging.get(type) ?? 0) + sample.laggingClients);
      let roomMaxBuffer = maxBuffer.get(type) ?? 0;
      for (const client of sample.clients) {
        this.clientSentBytesPerSecond.observe(labels, client.bytesOutPerS);
        if (client.rttMs !== null) this.clientRttSeconds.observe(labels, client.rttMs / 1000);
        roomMaxBuffer = Math.max(roomMaxBuffer, client.sendBufferBytes);
      }
      maxBuffer.set(type, roomMaxBuffer);
    }
    for (const [type, bytes] of maxBuffer) this.sendBufferMax.set({ room_type: type }, bytes);
    for (const [type, bytes] of maxState) this.stateSize.set({ room_type: type }, bytes);
    for (const [type, count] of lagging) this.laggingClients.set({ room_type: type }, count);
    this.draining.set(snapshot.draining ? 1 : 0);
    this.redisUp?.set(snapshot.redis === "ok" ? 1 : 0);
    this.load.set(snapshot.load);
  }
}
