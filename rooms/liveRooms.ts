import type { ArenaTelemetry, ReportedRoom, RoomIdentity, RoomReport, RoomReports } from "./settings.ts";

/** Rooms of one type on this process and the clients in them. */
export interface RoomTypeCount {
  rooms: number;
  clients: number;
}

/** One live room: what it is, since when, and the room itself (its clients, and a game room's stats). */
class LiveRoom implements RoomIdentity, RoomReport {
  readonly roomId: string;
  readonly roomType: string;
  /** Wall clock, ms: only shown as an age. */
  readonly createdAtMs: number;
  readonly room: ReportedRoom;
  private readonly record: LiveRooms;

  constructor(room: ReportedRoom, createdAtMs: number, record: LiveRooms) {
    this.roomId = room.roomId;
    this.roomType = room.roomName;
    this.createdAtMs = createdAtMs;
    this.room = room;
    this.record = record;
  }

  recordTick(simMicros: number, inputs: number): void {
    this.room.stats?.recordTick(simMicros, inputs);
    this.record.ticked(this, simMicros);
  }

  recordPatch(patchMicros: number, clients: number): void {
    this.room.stats?.recordPatch(patchMicros, clients);
    this.record.patched(this, patchMicros);
  }

  playersChanged(): void {
    this.record.playersChanged(this);
  }
}

/**
 * This process's one record of its live rooms: every room reports into it once
 * (created, players changed, each tick and patch, disposed), and the process's
 * load, monitoring and metrics read it or subscribe to it. A game room's tick
 * and patch times land in its RoomStats (read once a second) and reach the
 * subscribers as they happen.
 */
export class LiveRooms implements RoomReports {
  private readonly rooms = new Map<string, LiveRoom>();
  private readonly roomTypes: readonly string[];
  private readonly onTick: NonNullable<ArenaTelemetry["onTick"]>[] = [];
  private readonly onPatch: NonNullable<ArenaTelemetry["onPatch"]>[] = [];
  private readonly onCreated: NonNullable<ArenaTelemetry["onRoomCreated"]>[] = [];
  private readonly onDisposed: NonNullable<ArenaTelemetry["onRoomDisposed"]>[] = [];
  private readonly onPlayers: NonNullable<ArenaTelemetry["onPlayersChanged"]>[] = [];
  private busy = 0;

  /** `roomTypes`: every type defined on the server, so each is counted, at 0 when it has no room. */
  constructor(roomTypes: readonly string[]) {
    this.roomTypes = roomTypes;
  }

  /** Hears every report from now on, in the order listeners subscribed. */
  subscribe(listener: ArenaTelemetry): void {
    if (listener.onTick !== undefined) this.onTick.push(listener.onTick.bind(listener));
    if (listener.onPatch !== undefined) this.onPatch.push(listener.onPatch.bind(listener));
    if (listener.onRoomCreated !== undefined) this.onCreated.push(listener.onRoomCreated.bind(listener));
    if (listener.onRoomDisposed !== undefined) this.onDisposed.push(listener.onRoomDisposed.bind(listener));
    if (listener.onPlayersChanged !== undefined) this.onPlayers.push(listener.onPlayersChanged.bind(listener));
  }

  add(room: ReportedRoom): LiveRoom {
    const live = new LiveRoom(room, Date.now(), this);
    this.rooms.set(live.roomId, live);
    for (const listener of this.onCreated) listener(live);
    return live;
  }

  remove(roomId: string): void {
    const live = this.rooms.get(roomId);
    if (live === undefined) return;
    this.rooms.delete(roomId);
    for (const listener of this.onDisposed) listener(live);
  }

  /** Microseconds every room here has spent in ticks and patches since this process started. */
  get busyMicros(): number {
    return this.busy;
  }

  values(): IterableIterator<LiveRoom> {
    return this.rooms.values();
  }

  /** Live rooms of the given types. */
  countOf(roomTypes: ReadonlySet<string>): number {
    let count = 0;
    for (const live of this.rooms.values()) if (roomTypes.has(live.roomType)) count++;
    return count;
  }

  /** Rooms and clients per room type: every defined type, zeros included. */
  countByType(): Map<string, RoomTypeCount> {
    const counts = new Map<string, RoomTypeCount>(this.roomTypes.map((type) => [type, { rooms: 0, clients: 0 }]));
    for (const live of this.rooms.values()) {
      const count = counts.get(live.roomType) ?? { rooms: 0, clients: 0 };
      count.rooms++;
      count.clients += live.room.clients.length;
      counts.set(live.roomType, count);
    }
    return counts;
  }

  /** @internal LiveRoom's report of one tick. */
  ticked(live: LiveRoom, simMicros: number): void {
    this.busy += simMicros;
    for (const listener of this.onTick) listener(live, simMicros);
  }

  /** @internal LiveRoom's report of one patch. */
  patched(live: LiveRoom, patchMicros: number): void {
    this.busy += patchMicros;
    for (const listener of this.onPatch) listener(live, patchMicros);
  }

  /** @internal LiveRoom's report of a join or leave. */
  playersChanged(live: LiveRoom): void {
    for (const listener of this.onPlayers) listener(live);
  }
}
