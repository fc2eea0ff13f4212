import type { Client } from "@colyseus/core";
import type WebSocket from "ws";
import { upgradedSocketOf, webSocketOf } from "./colyseusInternals.ts";

export interface ClientNetStats {
  sessionId: string;
  /** WebSocket ping round trip, ms (null until the first pong). */
  rttMs: number | null;
  bytesOutPerS: number;
  /** Bytes queued for this client and not yet written to the network. */
  sendBufferBytes: number;
}

export interface RoomStatsSample {
  clients: ClientNetStats[];
  bytesOutPerS: number;
  simMicros: number[];
  patchMicros: number[];
  inputs: number;
  patchFramesSent: number;
  /** Clients seen past the soft send-buffer limit since the last sample. */
  laggingClients: number;
  /** Clients closed for invalid frames since the last sample. */
  refusedClients: number;
  /** Clients closed for not reading (send buffer past its limit) since the last sample. */
  slowClosedClients: number;
}

const HISTORY = 120;
const PING_MARK = 0x67; // first byte of our ping payloads; the transport's keep-alive pings are empty

/**
 * A room's recent tick and patch times and its clients' network figures,
 * read about once a second by the process's monitoring. Cheap in the hot
 * path: two array writes per tick/patch; sockets are read only when sampled.
 */
export class RoomStats {
  private readonly simMicros: number[] = [];
  private readonly patchMicros: number[] = [];
  /** Per session: the socket last sampled and its byte count then (a reconnection brings a new socket). */
  private readonly lastBytesWritten = new Map<string, { socket: WebSocket; written: number }>();
  private readonly rttMs = new Map<string, number>();
  private lastSampleMs = performance.now();
  private inputsSinceSample = 0;
  private patchFramesSinceSample = 0;
  private lastClients: ClientNetStats[] = [];
  private readonly lagging = new Set<string>();
  private refusedSinceSample = 0;
  private slowClosedSinceSample = 0;

  recordTick(micros: number, inputs: number): void {
    push(this.simMicros, micros);
    this.inputsSinceSample += inputs;
  }

  recordPatch(micros: number, clients: number): void {
    push(this.patchMicros, micros);
    this.patchFramesSinceSample += clients;
  }

  noteLagging(sessionId: string): void {
    this.lagging.add(sessionId);
  }

  noteRefused(): void {
    this.refusedSinceSample++;
  }

  noteSlowClosed(): void {
    this.slowClosedSinceSample++;
  }

  /** Starts measuring a client's round trip: answers to our pings carry their send time. */
  watch(client: Client): void {
    webSocketOf(client).on("pong", (data) => {
      if (data.length !== 9 || data[0] !== PING_MARK) return;
      this.rttMs.set(client.sessionId, performance.now() - data.readDoubleLE(1));
    });
  }

  forget(sessionId: string): void {
    this.lastBytesWritten.delete(sessionId);
    this.rttMs.delete(sessionId);
  }

  /** Figures since the previous sample, and a ping to every client for the next one. */
  sample(clients: Iterable<Client>): RoomStatsSample {
    const now = performance.now();
    const elapsedS = Math.max(0.001, (now - this.lastSampleMs) / 1000);
    this.lastSampleMs = now;
    const perClient: ClientNetStats[] = [];
    let bytesOutPerS = 0;
    for (const client of clients) {
      const socket = webSocketOf(client);
      const written = upgradedSocketOf(client)?.bytesWritten ?? 0;
      const last = this.lastBytesWritten.get(client.sessionId);
      // A reconnected client's new socket counts from zero, all of it since the last sample: measured
      // against the old socket's count, the rate went negative (and Prometheus refuses a counter decrease).
      const previous = last === undefined ? written : last.socket === socket ? last.written : 0;
      this.lastBytesWritten.set(client.sessionId, { socket, written });
      const rate = (written - previous) / elapsedS;
      bytesOutPerS += rate;
      perClient.push({
        sessionId: client.sessionId,
        rttMs: this.rttMs.get(client.sessionId) ?? null,
        bytesOutPerS: Math.round(rate),
        sendBufferBytes: socket.bufferedAmount,
      });
      const payload = Buffer.alloc(9);
      payload[0] = PING_MARK;
      payload.writeDoubleLE(now, 1);
      try {
        socket.ping(payload);
      } catch {
        // closing socket: no RTT this round
      }
    }
    const sample: RoomStatsSample = {
      clients: perClient,
      bytesOutPerS: Math.round(bytesOutPerS),
      simMicros: [...this.simMicros],
      patchMicros: [...this.patchMicros],
      inputs: this.inputsSinceSample,
      patchFramesSent: this.patchFramesSinceSample,
      laggingClients: this.lagging.size,
      refusedClients: this.refusedSinceSample,
      slowClosedClients: this.slowClosedSinceSample,
    };
    this.inputsSinceSample = 0;
    this.patchFramesSinceSample = 0;
    this.lagging.clear();
    this.refusedSinceSample = 0;
    this.slowClosedSinceSample = 0;
    this.lastClients = perClient;
    return sample;
  }

  /** Client figures as of the last sample (at most about a second old). */
  latestClients(): ClientNetStats[] {
    return this.lastClients;
  }

  /** Recent tick and patch durations, oldest first, in microseconds. */
  history(): { simMicros: number[]; patchMicros: number[] } {
    return { simMicros: [...this.simMicros], patchMicros: [...this.patchMicros] };
  }
}

function push(ring: number[], value: number): void {
  ring.push(value);
  if (ring.length > HISTORY) ring.shift();
}

/** A room's clients as the operator panel shows them, with the last sampled network figures. */
export function operatorClients(stats: RoomStats, clients: Iterable<Client>, nameOf: (sessionId: string) => string) {
  const latest = new Map(stats.latestClients().map((c) => [c.sessionId, c]));
  return [...clients].map((client): ClientNetStats & { name: string } => ({
    rttMs: null, bytesOutPerS: 0, sendBufferBytes: 0,
    ...latest.get(client.sessionId),
    sessionId: client.sessionId,
    name: nameOf(client.sessionId),
  }));
}
