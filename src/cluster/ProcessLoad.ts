import type { LiveRooms } from "../../rooms/liveRooms.ts";
import { loadScore } from "./placement.ts";

export interface ProcessLoadOptions {
  liveRooms: LiveRooms;
  /** Room types counted for placement and the room cap (game rooms; a lobby costs nothing). */
  gameRoomTypes: ReadonlySet<string>;
  /** Clients on this process now (Colyseus' count). */
  ccu: () => number;
  maxRoomsPerProcess: number;
  maxClientsPerProcess: number;
}

/**
 * This process's load, read from its record of live rooms: its game rooms,
 * its clients, and its tick cost as a share of one core.
 */
export class ProcessLoad {
  private readonly options: ProcessLoadOptions;
  private busyMicrosAtWindow: number;
  private windowStartedMs = performance.now();
  private busyPct = 0;

  constructor(options: ProcessLoadOptions) {
    this.options = options;
    this.busyMicrosAtWindow = options.liveRooms.busyMicros;
  }

  gameRooms(): number {
    return this.options.liveRooms.countOf(this.options.gameRoomTypes);
  }

  isGameRoomType(roomType: string): boolean {
    return this.options.gameRoomTypes.has(roomType);
  }

  ccu(): number {
    return this.options.ccu();
  }

  get isAtClientCap(): boolean {
    return this.ccu() >= this.options.maxClientsPerProcess;
  }

  /** At MAX_ROOMS_PER_PROCESS game rooms or MAX_CLIENTS_PER_PROCESS clients: placement looks elsewhere. */
  get isFull(): boolean {
    return this.gameRooms() >= this.options.maxRoomsPerProcess || this.isAtClientCap;
  }

  /** % of one core spent in ticks and patches over the window the last `measureTickBusyPct` closed. */
  get tickBusyPct(): number {
    return this.busyPct;
  }

  /**
   * Closes the current window and measures it. Call it at a steady interval:
   * a window of a few milliseconds would turn one tick that the OS paused
   * into a process that looks 80% busy.
   */
  measureTickBusyPct(): number {
    const now = performance.now();
    const elapsedMs = now - this.windowStartedMs;
    const busyMicros = this.options.liveRooms.busyMicros;
    this.busyPct = elapsedMs > 0 ? ((busyMicros - this.busyMicrosAtWindow) / 1000 / elapsedMs) * 100 : 0;
    this.busyMicrosAtWindow = busyMicros;
    this.windowStartedMs = now;
    return this.busyPct;
  }

  /** This process's placement score (room equivalents; see placement.ts). */
  score(): number {
    return loadScore({ placedRooms: this.gameRooms(), ccu: this.ccu(), tickBusyPct: this.busyPct });
  }
}
