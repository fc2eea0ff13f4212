import type { Presence } from "@colyseus/core";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Logger } from "pino";
import { quietly } from "../../rooms/channels.ts";
import type { LiveRooms } from "../../rooms/liveRooms.ts";
import { percentile } from "../percentile.ts";
import { ClusterView } from "./clusterView.ts";
import type { GameMetrics, RoomSampleForMetrics } from "./metrics.ts";
import type { Health, ProcessSnapshot, RoomSummary } from "./processSnapshot.ts";

const STATS_CHANNEL = "gs:stats";
const SAMPLE_INTERVAL_MS = 1_000;

export interface ProcessMonitorOptions {
  presence: () => Presence;
  address: string;
  /** What the process reports about itself. */
  health: () => Health;
  /** The process's record of its live rooms: game rooms bring their stats. */
  liveRooms: LiveRooms;
  metrics: GameMetrics | undefined;
  logger: Logger;
}

/**
 * Once a second: samples this process's rooms, updates its metrics, and
 * publishes a compact snapshot through presence; listens to every process's
 * snapshots to keep the cluster view that any process can serve.
 */
export class ProcessMonitor {
  readonly view = new ClusterView();
  private readonly options: ProcessMonitorOptions;
  private readonly eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });
  private lastCpu = process.cpuUsage();
  private lastCpuAtMs = performance.now();
  private timer: NodeJS.Timeout | undefined;
  /** Off: no sampling and no snapshots (for measuring what monitoring costs). */
  isSampling = true;
  /** Time spent sampling and publishing so far, in microseconds (benchmarks read its rate). */
  busyMicros = 0;
  private readonly onSnapshot = (snapshot: ProcessSnapshot) => this.view.receive(snapshot, Date.now());

  constructor(options: ProcessMonitorOptions) {
    this.options = options;
  }

  /** Starts sampling once a second and listening to every process's snapshots. */
  async start(): Promise<void> {
    this.eventLoopDelay.enable();
    // Redis silent at start-up must not stop the process: the presence keeps the subscription it
    // was asked for and makes it again when its connection comes back.
    await this.options.presence().subscribe(STATS_CHANNEL, this.onSnapshot).catch((err: unknown) => {
      this.options.logger.warn({ event: "monitor_subscribe_failed", err }, "could not subscribe to the cluster's stats yet");
    });
    this.timer = setInterval(() => this.sampleAndPublish(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
    this.sampleAndPublish();
  }

  stop(): void {
    clearInterval(this.timer);
    this.eventLoopDelay.disable();
    quietly(this.options.presence().unsubscribe(STATS_CHANNEL, this.onSnapshot));
  }

  private sampleAndPublish(): void {
    if (!this.isSampling) return;
    const started = performance.now();
    try {
      const snapshot = this.snapshot();
      quietly(this.options.presence().publish(STATS_CHANNEL, snapshot));
      this.view.recordHistory(Date.now());
    } catch (error) {
      this.options.logger.warn({ event: "monitor_sample_failed", err: error }, "could not sample process stats");
    }
    this.busyMicros += (performance.now() - started) * 1000;
  }

  private snapshot(): ProcessSnapshot {
    const health = this.options.health();
    const now = Date.now();
    const rooms: RoomSummary[] = [];
    const samples = new Map<string, RoomSampleForMetrics>();
    const allTickMicros: number[] = [];
    let bytesOutPerS = 0;
    for (const { roomId, roomType, createdAtMs, room } of this.options.liveRooms.values()) {
      // Game rooms only: a lobby has no ticks to show.
      if (room.stats === undefined) continue;
      const sample = room.stats.sample(room.clients);
      const tickMicros = sample.simMicros.map((sim, i) => sim + (sample.patchMicros[i] ?? 0));
      allTickMicros.push(...tickMicros);
      bytesOutPerS += sample.bytesOutPerS;
      samples.set(roomId, { ...sample, sentBytes: sample.bytesOutPerS * (SAMPLE_INTERVAL_MS / 1000) });
      rooms.push({
        roomId, roomType, processId: health.processId,
        clients: room.clients.length, maxClients: room.maxClients,
        tickP99Ms: round(percentile(tickMicros, 99) / 1000 || 0),
        bytesOutPerS: sample.bytesOutPerS, ageS: Math.round((now - createdAtMs) / 1000), locked: room.locked,
        stateSizeBytes: room.fullStateBytes?.() ?? 0,
      });
    }
    const cpu = process.cpuUsage(this.lastCpu);
    const wallMs = performance.now() - this.lastCpuAtMs;
    this.lastCpu = process.cpuUsage();
    this.lastCpuAtMs = performance.now();
    const lagP99Ms = this.eventLoopDelay.percentile(99) / 1e6;
    this.eventLoopDelay.reset();
    const snapshot: ProcessSnapshot = {
      processId: health.processId, address: this.options.address, ccu: health.clients, roomCount: health.rooms,
      cpuPct: round(((cpu.user + cpu.system) / 1000 / Math.max(1, wallMs)) * 100),
      rssBytes: process.memoryUsage.rss(), eventLoopLagP99Ms: round(lagP99Ms),
      tickP99Ms: round(percentile(allTickMicros, 99) / 1000 || 0), bytesOutPerS,
      draining: health.draining, redis: health.redis, load: health.load, rooms,
    };
    this.options.metrics?.update(snapshot, samples, this.options.liveRooms.countByType());
    return snapshot;
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
