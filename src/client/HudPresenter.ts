import type { Player } from "../../rooms/schema/ArenaState.ts";
import { DebugPanel } from "./DebugPanel.ts";
import type { FrameReport } from "./FrameLoop.ts";
import { Hud, type HudElements, type ScoreRow } from "./Hud.ts";
import type { ArenaRoom } from "./joinArena.ts";
import { PatchMeter } from "./PatchMeter.ts";
import type { PlayerDirectory } from "./PlayerDirectory.ts";
import { RttProbe } from "./RttProbe.ts";

const HUD_INTERVAL_MS = 250;
const PING_INTERVAL_MS = 1_000;
const DEBUG_PING_INTERVAL_MS = 250;

export interface HudOptions {
  /** Show the `?debug` netcode panel (and ping more often for its graph). */
  isDebug: boolean;
  /** How far in the past other entities are drawn, for the debug panel. */
  interpolationDelayMs: number;
  /** A name on the scoreboard was clicked. */
  onPickName(name: string): void;
}

/**
 * Keeps the overlays around the canvas current: the stats line, the
 * scoreboard and the banner a few times a second, the kill feed as kills
 * happen, and the debug panel; measures what they show (frame rate, ping,
 * patches).
 */
export class HudPresenter {
  private readonly room: ArenaRoom;
  private readonly hud: Hud;
  private readonly players: PlayerDirectory;
  private readonly debugPanel: DebugPanel | undefined;
  private readonly interpolationDelayMs: number;
  private readonly patchMeter = new PatchMeter();
  private readonly rtt = new RttProbe();
  /** Times of the frames drawn within the last second. */
  private readonly frameTimes: number[] = [];
  private lastHudMs = Number.NEGATIVE_INFINITY;
  private wasAlive = true;

  constructor(room: ArenaRoom, elements: HudElements & { debug: HTMLElement }, players: PlayerDirectory, options: HudOptions) {
    this.room = room;
    this.players = players;
    this.interpolationDelayMs = options.interpolationDelayMs;
    this.hud = new Hud(elements, options.onPickName);
    this.debugPanel = options.isDebug ? new DebugPanel(elements.debug) : undefined;
    this.patchMeter.attach(room);
    this.rtt.start(room, options.isDebug ? DEBUG_PING_INTERVAL_MS : PING_INTERVAL_MS);
  }

  /** After every frame drawn. */
  frame(report: FrameReport): void {
    const { nowMs, error } = report;
    this.countFrame(nowMs);
    if (nowMs - this.lastHudMs < HUD_INTERVAL_MS) return;
    this.lastHudMs = nowMs;
    this.update(nowMs);
    if (this.debugPanel !== undefined && error !== undefined) {
      this.debugPanel.update({
        error,
        pendingInputs: report.pendingInputs,
        rttSamples: this.rtt.samples,
        ackRttMs: this.room.clock.smoothedRtt(),
        patchSizes: this.patchMeter.sizes,
        patchBytesPerSecond: this.patchMeter.bytesPerSecond(nowMs),
        interpolationDelayMs: this.interpolationDelayMs,
      });
    }
  }

  /** A kill, by session ids: a kill-feed line, and the banner if this client's player died. */
  kill(killerId: string, victimId: string): void {
    const ownId = this.room.sessionId;
    const killer = killerId === ownId ? "you" : this.players.nameOf(killerId);
    const victim = victimId === ownId ? "you" : this.players.nameOf(victimId);
    this.hud.addKill(killer, victim, killerId === ownId || victimId === ownId, performance.now());
    if (victimId === ownId) this.hud.setBanner(`Eliminated by ${killer}. Respawning…`);
  }

  dispose(): void {
    this.rtt.stop();
    this.hud.setBanner("");
  }

  private countFrame(nowMs: number): void {
    this.frameTimes.push(nowMs);
    while (this.frameTimes.length > 0 && nowMs - this.frameTimes[0]! > 1000) this.frameTimes.shift();
  }

  private update(nowMs: number): void {
    const state = this.room.state;
    const ownId = this.room.sessionId;
    const rows: ScoreRow[] = [];
    state.players.forEach((p: Player, id: string) => {
      this.players.remember(id, p);
      rows.push({ id, name: p.name, score: p.score, isOwn: id === ownId, isConnected: p.isConnected });
    });
    this.hud.setScores(rows);
    this.hud.setStats({
      rttMs: this.rtt.lastMs,
      fps: this.frameTimes.length,
      playersInView: Math.max(0, state.players.size - (state.players.has(ownId) ? 1 : 0)),
      tickHz: state.tickHz,
      patchHz: this.patchMeter.patchesPerSecond(nowMs),
    });
    this.hud.expire(nowMs);
    // The kill message may arrive a patch before the state says so: clear the banner on respawn only.
    const isAlive = state.players.get(ownId)?.isAlive ?? true;
    if (isAlive && !this.wasAlive) this.hud.setBanner("");
    this.wasAlive = isAlive;
  }
}
