import type { ArenaTelemetry } from "../../rooms/settings.ts";

/**
 * This process's tick cost, fed by every room's telemetry: the CPU time spent
 * in ticks and patches, read back as a share of one core since the last read.
 */
export class ProcessLoad implements ArenaTelemetry {
  private busyMicros = 0;
  private windowStartedMs = performance.now();
  private readonly onLifecycle: (created: boolean) => void;
  private readonly onPlayers: () => void;

  /** The callbacks run when a room is created or disposed, or players come and go, so the process can publish its load at once. */
  constructor(onLifecycle: (created: boolean) => void = () => undefined, onPlayers: () => void = () => undefined) {
    this.onLifecycle = onLifecycle;
    this.onPlayers = onPlayers;
  }

  onPlayersChanged(): void {
    this.onPlayers();
  }

  onTick(_roomId: string, simMicros: number): void {
    this.busyMicros += simMicros;
  }

  onPatch(_roomId: string, patchMicros: number): void {
    this.busyMicros += patchMicros;
  }

  onRoomCreated(): void {
    this.onLifecycle(true);
  }

  onRoomDisposed(): void {
    this.onLifecycle(false);
  }

  /** % of one core spent ticking since the previous call (0 when called twice at once). */
  takeBusyPct(): number {
    const now = performance.now();
    const elapsedMs = now - this.windowStartedMs;
    const pct = elapsedMs > 0 ? (this.busyMicros / 1000 / elapsedMs) * 100 : 0;
    this.busyMicros = 0;
    this.windowStartedMs = now;
    return pct;
  }
}
