import { PLAYER_MAX_HP, PLAYER_RADIUS_UNITS, PROJECTILE_RADIUS_UNITS } from "../sim/constants.ts";
import type { Level } from "../sim/level.ts";
import type { DrawnProjectile } from "./ProjectileTracker.ts";

/** Units across the shorter side of the screen: well inside the server's default 40 u view radius. */
const VISIBLE_UNITS = 60;
const GRID_UNITS = 10;
/** Seconds of flight drawn behind a projectile as its trail. */
const TRAIL_S = 0.05;

export interface PlayerSprite {
  id: string;
  name: string;
  /** Units. */
  x: number;
  y: number;
  /** Radians. */
  aim: number;
  hp: number;
  isConnected: boolean;
  isOwn: boolean;
}

export interface Scene {
  /** The point drawn at the canvas centre (the own player), in units. */
  centre: { x: number; y: number };
  level: Level;
  players: readonly PlayerSprite[];
  projectiles: readonly DrawnProjectile[];
  ownId: string;
}

/** Resizes the backing store to the element's size at the device pixel ratio; returns CSS pixels. */
function fitCanvas(canvas: HTMLCanvasElement): { width: number; height: number } {
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  return { width, height };
}

/** Draws one frame: world units are mapped so the scene centre sits in the middle of the canvas. */
export function drawScene(canvas: HTMLCanvasElement, scene: Scene): void {
  const ctx = canvas.getContext("2d");
  if (ctx === null) return;
  const { width, height } = fitCanvas(canvas);
  const dpr = canvas.width / Math.max(1, width);
  const ppu = Math.min(width, height) / VISIBLE_UNITS;

  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = "#0b0f14";
  ctx.fillRect(0, 0, width, height);

  // World space: 1 unit = ppu CSS pixels, centred on the own player.
  ctx.save();
  ctx.translate(width / 2, height / 2);
  ctx.scale(ppu, ppu);
  ctx.translate(-scene.centre.x, -scene.centre.y);
  drawFloor(ctx, scene.level, ppu);
  drawObstacles(ctx, scene.level);
  for (const p of scene.projectiles) drawProjectile(ctx, p, p.ownerId === scene.ownId);
  for (const p of scene.players) if (!p.isOwn) drawPlayerBody(ctx, p);
  for (const p of scene.players) if (p.isOwn) drawPlayerBody(ctx, p);
  ctx.restore();

  // Labels in screen space so text stays crisp at any zoom.
  for (const p of scene.players) {
    const sx = width / 2 + (p.x - scene.centre.x) * ppu;
    const sy = height / 2 + (p.y - scene.centre.y) * ppu;
    drawPlayerLabel(ctx, p, sx, sy, PLAYER_RADIUS_UNITS * ppu);
  }
}

function drawFloor(ctx: CanvasRenderingContext2D, level: Level, ppu: number): void {
  ctx.fillStyle = "#141b24";
  ctx.fillRect(0, 0, level.widthUnits, level.heightUnits);
  ctx.strokeStyle = "rgba(255,255,255,0.05)";
  ctx.lineWidth = 1 / ppu;
  ctx.beginPath();
  for (let x = GRID_UNITS; x < level.widthUnits; x += GRID_UNITS) {
    ctx.moveTo(x, 0);
    ctx.lineTo(x, level.heightUnits);
  }
  for (let y = GRID_UNITS; y < level.heightUnits; y += GRID_UNITS) {
    ctx.moveTo(0, y);
    ctx.lineTo(level.widthUnits, y);
  }
  ctx.stroke();
  ctx.strokeStyle = "#e5484d";
  ctx.lineWidth = 3 / ppu;
  ctx.strokeRect(0, 0, level.widthUnits, level.heightUnits);
}

function drawObstacles(ctx: CanvasRenderingContext2D, level: Level): void {
  ctx.fillStyle = "#3a4756";
  ctx.strokeStyle = "#5b6b7d";
  ctx.lineWidth = 0.15;
  for (const r of level.obstacles) {
    ctx.fillRect(r.x, r.y, r.w, r.h);
    ctx.strokeRect(r.x, r.y, r.w, r.h);
  }
}

function drawProjectile(ctx: CanvasRenderingContext2D, p: DrawnProjectile, isOwn: boolean): void {
  const colour = isOwn ? "#ffd166" : "#ff6b6b";
  ctx.strokeStyle = colour;
  ctx.globalAlpha = 0.5;
  ctx.lineWidth = PROJECTILE_RADIUS_UNITS;
  ctx.beginPath();
  ctx.moveTo(p.x - p.vx * TRAIL_S, p.y - p.vy * TRAIL_S);
  ctx.lineTo(p.x, p.y);
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.arc(p.x, p.y, PROJECTILE_RADIUS_UNITS * 1.4, 0, Math.PI * 2);
  ctx.fill();
}

function drawPlayerBody(ctx: CanvasRenderingContext2D, p: PlayerSprite): void {
  const r = PLAYER_RADIUS_UNITS;
  ctx.globalAlpha = p.isConnected ? 1 : 0.35;
  ctx.strokeStyle = "#e6edf3";
  ctx.lineWidth = 0.35;
  ctx.lineCap = "round";
  ctx.beginPath();
  ctx.moveTo(p.x, p.y);
  ctx.lineTo(p.x + Math.cos(p.aim) * r * 1.7, p.y + Math.sin(p.aim) * r * 1.7);
  ctx.stroke();
  ctx.fillStyle = p.isOwn ? "#4cc9f0" : colourOf(p.id);
  ctx.beginPath();
  ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
  ctx.fill();
  ctx.lineWidth = p.isOwn ? 0.25 : 0.12;
  ctx.strokeStyle = p.isOwn ? "#ffffff" : "rgba(0,0,0,0.6)";
  ctx.stroke();
  ctx.globalAlpha = 1;
}

function drawPlayerLabel(ctx: CanvasRenderingContext2D, p: PlayerSprite, sx: number, sy: number, radiusPx: number): void {
  ctx.globalAlpha = p.isConnected ? 1 : 0.6;
  ctx.font = "12px system-ui, sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillStyle = p.isOwn ? "#ffffff" : "#c9d4df";
  const label = p.isConnected ? p.name : `${p.name} (reconnecting)`;
  ctx.fillText(label, sx, sy - radiusPx - 10);
  const barW = Math.max(28, radiusPx * 2.4);
  const barH = 4;
  const barX = sx - barW / 2;
  const barY = sy - radiusPx - 8;
  ctx.fillStyle = "rgba(0,0,0,0.6)";
  ctx.fillRect(barX, barY, barW, barH);
  const hpFraction = Math.max(0, Math.min(1, p.hp / PLAYER_MAX_HP));
  ctx.fillStyle = hpFraction > 0.5 ? "#3ddc97" : hpFraction > 0.25 ? "#ffd166" : "#ff6b6b";
  ctx.fillRect(barX, barY, barW * hpFraction, barH);
  ctx.globalAlpha = 1;
}

/** A stable colour per session id, never the own player's cyan (hues 170-230 are skipped). */
function colourOf(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (Math.imul(hash, 31) + id.charCodeAt(i)) | 0;
  const hue = Math.abs(hash) % 300;
  return `hsl(${hue < 170 ? hue : hue + 60} 70% 60%)`;
}
