import { fileURLToPath } from "node:url";
import { segmentRectHit } from "../../../src/sim/geometry.ts";
import { ARENA_LEVEL } from "../../../src/sim/level.ts";
import { startServer } from "../../support/serverProcess.ts";
import { launchChromium } from "./chromium.ts";
import { joinAsPlayer } from "./arenaPage.ts";
import { findPath, walk } from "./steer.ts";

/**
 * Regenerates docs/screenshot.png: the game as one of two players sees it.
 * "ada" walks up to "grace" (the pages see each other wherever they spawn:
 * the server runs with a view radius covering the arena), grace whispers,
 * ada fires, and the picture is taken with shots in the air. Bounded: about
 * a minute, then it stops everything it started.
 *
 *   node test/browser/support/arenaScreenshot.ts [output.png]
 */
const OUTPUT = process.argv[2] ?? fileURLToPath(new URL("../../../docs/screenshot.png", import.meta.url));
/** How far from grace ada stops (u): both in the picture, with room for a shot to fly. */
const STAND_OFF_UNITS = 9;

const server = await startServer({ VIEW_RADIUS: "400", LOG_LEVEL: "warn" });
const browser = await launchChromium();
try {
  const ada = await joinAsPlayer(browser, server.httpUrl, "ada");
  const grace = await joinAsPlayer(browser, server.httpUrl, "grace");
  const target = (await grace.page.evaluate(() => window.__arena!.predicted()))!;
  const start = (await ada.page.evaluate(() => window.__arena!.predicted()))!;

  // Stop short of grace where nothing stands between them, nearest spot first.
  const spots = Array.from({ length: 16 }, (_, i) => (i / 16) * Math.PI * 2)
    .map((a) => ({ x: target.x + Math.cos(a) * STAND_OFF_UNITS, y: target.y + Math.sin(a) * STAND_OFF_UNITS }))
    .filter((spot) => ARENA_LEVEL.obstacles.every((wall) => segmentRectHit(spot.x, spot.y, target.x, target.y, wall, 1) < 0))
    .sort((a, b) => Math.hypot(a.x - start.x, a.y - start.y) - Math.hypot(b.x - start.x, b.y - start.y));
  let reached = false;
  for (const spot of spots) {
    try {
      await walk(ada.page, findPath(start, spot));
      reached = true;
      break;
    } catch (error) {
      console.warn(`could not use (${spot.x.toFixed(1)}, ${spot.y.toFixed(1)}): ${(error as Error).message}`);
    }
  }
  if (!reached) throw new Error("ada could not reach grace");

  const box = (await ada.page.locator("#arena").boundingBox())!;
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const ppu = Math.min(box.width, box.height) / 60; // the client's scale: 60 u across the short side
  const me = (await ada.page.evaluate(() => window.__arena!.predicted()))!;
  const them = (await grace.page.evaluate(() => window.__arena!.predicted()))!;
  // Each aims at the other (the mouse is read relative to the own player at the canvas centre).
  await grace.page.mouse.move(centre.x + (me.x - them.x) * ppu, centre.y + (me.y - them.y) * ppu);
  await ada.page.mouse.move(centre.x + (them.x - me.x) * ppu, centre.y + (them.y - me.y) * ppu);

  await grace.page.bringToFront();
  await grace.page.keyboard.press("Enter");
  await grace.page.keyboard.type("/w ada nice moves");
  await grace.page.bringToFront();
  await grace.page.keyboard.press("Enter");
  await ada.page.waitForFunction(() => document.querySelector("#chat-log li") !== null, null, { timeout: 10_000 });

  // Two shots: the first lands (grace's HP drops), the second is caught mid-flight.
  // Ada's window takes the focus first: a window losing it releases every key and button.
  await ada.page.bringToFront();
  await ada.page.mouse.down();
  await ada.page.waitForFunction((id) => (window.__arena!.remote(id)?.hp ?? 100) < 100, grace.sessionId, { timeout: 10_000 });
  await ada.page.mouse.up();
  await ada.page.waitForFunction(() => window.__arena!.projectiles().length === 0, null, { timeout: 10_000 });
  await ada.page.mouse.down();
  await ada.page.mouse.up();
  await ada.page.waitForFunction(() => {
    const shots = window.__arena!.projectiles();
    const me = window.__arena!.predicted()!;
    return shots.some((p) => Math.hypot(p.x - me.x, p.y - me.y) > 3);
  }, null, { timeout: 10_000, polling: "raf" });
  await ada.page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT}`);
} finally {
  await browser.close();
  await server.stop();
}
