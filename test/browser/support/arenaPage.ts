import type { Browser, BrowserContext, Page } from "playwright-core";
import { segmentRectHit } from "../../../src/sim/geometry.ts";
import { ARENA_LEVEL } from "../../../src/sim/level.ts";
import type {} from "../../../src/client/debugHook.ts"; // window.__arena's type

export interface Player {
  context: BrowserContext;
  page: Page;
  sessionId: string;
}

/** Generous: two cores shared with other test runs. */
const JOIN_DEADLINE_MS = 20_000;

/**
 * Test-only: remember every WebSocket the page opens, so a test can drop the
 * connection like a network failure would (the page itself offers no way).
 */
function trackSockets(): void {
  const Native = window.WebSocket;
  const sockets: WebSocket[] = [];
  Object.defineProperty(window, "__testSockets", { value: sockets });
  window.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      sockets.push(this);
    }
  };
}

/** Opens the game in a fresh browser context, joins with `name`, and waits until the own player is drawn. */
export async function joinAsPlayer(browser: Browser, baseUrl: string, name: string, query = ""): Promise<Player> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
  await context.addInitScript(trackSockets);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`[${name}] page error:`, error));
  await page.goto(`${baseUrl}/${query}`);
  await page.fill("#name", name);
  await page.click("#join");
  await page.waitForFunction(() => window.__arena?.overlay() === "none" && window.__arena.predicted() !== null, null, { timeout: JOIN_DEADLINE_MS });
  const sessionId = await page.evaluate(() => {
    (window as unknown as { testJoinedAtMs: number }).testJoinedAtMs = performance.now();
    return window.__arena!.sessionId!;
  });
  return { context, page, sessionId };
}

/**
 * The SDK only reconnects a room that has been up for its `minUptime` (the
 * client sets 1 s): wait, on the page's clock, until a drop would be retried.
 */
export async function waitUntilReconnectable(page: Page): Promise<void> {
  await page.waitForFunction(
    () => performance.now() - (window as unknown as { testJoinedAtMs: number }).testJoinedAtMs >= 1_200,
    null,
    { timeout: 10_000 },
  );
}

/** Closes the page's open WebSockets from the client side: to the SDK and the server, a dropped connection. */
export async function dropConnection(page: Page): Promise<number> {
  return page.evaluate(() => {
    const sockets = (window as unknown as { __testSockets: WebSocket[] }).__testSockets;
    const open = sockets.filter((s) => s.readyState === WebSocket.OPEN);
    for (const s of open) s.close();
    return open.length;
  });
}

/** The key that moves the player towards the arena's centre line, so a wall at its back does not stop it. */
export function keyTowardsCentre(x: number): "KeyD" | "KeyA" {
  return x < 100 ? "KeyD" : "KeyA";
}

/**
 * The aim (radians) with the longest clear flight from (x, y) among 32
 * directions, so a test shot lives long enough to reach a patch (a shot into
 * a wall a unit away may never be sent at all).
 */
export function clearestAim(x: number, y: number): number {
  let best = 0;
  let bestClear = -1;
  for (let i = 0; i < 32; i++) {
    const angle = (i / 32) * Math.PI * 2;
    const dx = Math.cos(angle);
    const dy = Math.sin(angle);
    // Distance to the arena's edge along this direction, then the first wall before it.
    const toEdgeX = dx > 0 ? (ARENA_LEVEL.widthUnits - x) / dx : dx < 0 ? -x / dx : Infinity;
    const toEdgeY = dy > 0 ? (ARENA_LEVEL.heightUnits - y) / dy : dy < 0 ? -y / dy : Infinity;
    const reach = Math.min(toEdgeX, toEdgeY);
    let clear = reach;
    for (const wall of ARENA_LEVEL.obstacles) {
      const t = segmentRectHit(x, y, x + dx * reach, y + dy * reach, wall, 0.25);
      if (t >= 0) clear = Math.min(clear, t * reach);
    }
    if (clear > bestClear) {
      bestClear = clear;
      best = angle;
    }
  }
  return best;
}
