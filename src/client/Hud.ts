/** Kill-feed entries shown at once, and for how long. */
const KILL_FEED_SIZE = 5;
const KILL_FEED_MS = 8_000;

export interface HudStats {
  /** NaN before the first measurement. */
  rttMs: number;
  fps: number;
  playersInView: number;
  tickHz: number;
  /** Patches received per second, measured. */
  patchHz: number;
}

export interface ScoreRow {
  id: string;
  name: string;
  score: number;
  isOwn: boolean;
  isConnected: boolean;
}

export interface HudElements {
  stats: HTMLElement;
  scoreboard: HTMLTableSectionElement;
  killFeed: HTMLOListElement;
  banner: HTMLElement;
}

/**
 * The DOM overlays around the canvas: the stats line (ping, FPS, players in
 * view, tick rate), the scoreboard, the kill feed and the centre banner.
 */
export class Hud {
  private readonly stats: HTMLElement;
  private readonly scoreboard: HTMLTableSectionElement;
  private readonly killFeed: HTMLOListElement;
  private readonly banner: HTMLElement;
  private readonly onPickName: (name: string) => void;
  private scoreKey = "";

  constructor(elements: HudElements, onPickName: (name: string) => void) {
    this.stats = elements.stats;
    this.scoreboard = elements.scoreboard;
    this.killFeed = elements.killFeed;
    this.banner = elements.banner;
    this.onPickName = onPickName;
  }

  setStats(s: HudStats): void {
    const ping = Number.isNaN(s.rttMs) ? "–" : String(Math.round(s.rttMs));
    this.stats.textContent =
      `ping ${ping} ms · ${Math.round(s.fps)} fps · ${s.playersInView} in view · ` +
      `tick ${s.tickHz} Hz · patches ${Math.round(s.patchHz)}/s`;
  }

  /** Rebuilds the scoreboard only when a row changed. Names are buttons that start a whisper. */
  setScores(rows: readonly ScoreRow[]): void {
    const sorted = [...rows].sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
    const key = JSON.stringify(sorted);
    if (key === this.scoreKey) return;
    this.scoreKey = key;
    this.scoreboard.replaceChildren(...sorted.map((row) => {
      const tr = document.createElement("tr");
      if (row.isOwn) tr.className = "own";
      if (!row.isConnected) tr.classList.add("away");
      const nameCell = document.createElement("td");
      if (row.isOwn) {
        nameCell.textContent = `${row.name} (you)`;
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = row.name;
        button.title = `whisper to ${row.name}`;
        button.addEventListener("click", () => this.onPickName(row.name));
        nameCell.append(button);
      }
      const scoreCell = document.createElement("td");
      scoreCell.textContent = String(row.score);
      tr.append(nameCell, scoreCell);
      return tr;
    }));
  }

  addKill(killer: string, victim: string, involvesOwn: boolean, nowMs: number): void {
    const li = document.createElement("li");
    if (involvesOwn) li.className = "own";
    li.dataset.expiresAt = String(nowMs + KILL_FEED_MS);
    const killerSpan = document.createElement("b");
    killerSpan.textContent = killer;
    const victimSpan = document.createElement("b");
    victimSpan.textContent = victim;
    li.append(killerSpan, " ✕ ", victimSpan);
    this.killFeed.prepend(li);
    while (this.killFeed.childElementCount > KILL_FEED_SIZE) this.killFeed.lastElementChild?.remove();
  }

  /** Drops kill-feed entries past their time. */
  expire(nowMs: number): void {
    for (const li of [...this.killFeed.children]) {
      if (li instanceof HTMLElement && Number(li.dataset.expiresAt) < nowMs) li.remove();
    }
  }

  /** A centred message (e.g. "you were eliminated"); empty hides it. */
  setBanner(text: string): void {
    if (this.banner.textContent !== text) this.banner.textContent = text;
    this.banner.hidden = text === "";
  }
}
