import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../support/serverProcess.ts";
import { launchChromium } from "./support/chromium.ts";
import { joinAsPlayer, keyTowardsCentre, type Player } from "./support/arenaPage.ts";

/** Round trip the server adds to every client (core's COLYSEUS_LATENCY: half on the way in, half out). */
const LATENCY_MS = 100;
const RUN_MS = 2_000;

interface Sample {
  frame: number;
  x: number;
  y: number;
}

// With 100 ms of latency, an unpredicted player would start moving ~100-200 ms
// after the key press; the predicted one must move on the very next frame and
// agree with the server, input for input.
describe(`browser client: prediction under ${LATENCY_MS} ms RTT`, () => {
  let server: RunningServer;
  let browser: Browser;
  let player: Player;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ COLYSEUS_LATENCY: String(LATENCY_MS) }), launchChromium()]);
    player = await joinAsPlayer(browser, server.httpUrl, "runner", "?debug");
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("moves the own player on the first frame after a key press, and predicts a 2 s run within one unit", async () => {
    const { page } = player;
    // Settle: no input in flight before the key press, so "moved" can only come from it.
    await page.waitForFunction(() => {
      if (window.__arena!.overlay() === "disconnected") {
        throw new Error(`the server dropped the player: ${document.getElementById("disconnected-reason")!.textContent}`);
      }
      const p = window.__arena!.predicted();
      const s = window.__arena!.serverPosition();
      return p !== null && s !== null && p.x === s.x && p.y === s.y;
    }, null, { timeout: 10_000 });
    const start = (await page.evaluate(() => window.__arena!.serverPosition()))!;
    const key = keyTowardsCentre(start.x);

    // Record the drawn own position every frame, and at the key event the last frame drawn before it.
    // (This rAF callback is registered after the game's, so it reads the frame just drawn.)
    await page.evaluate(() => {
      const w = window as unknown as { samples: Sample[]; atKey?: Sample; keyAtMs?: number };
      w.samples = [];
      const sample = () => {
        const p = window.__arena!.predicted();
        if (p !== null) w.samples.push({ frame: window.__arena!.frame(), x: p.x, y: p.y });
        requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
      window.addEventListener("keydown", () => {
        const p = window.__arena!.predicted()!;
        w.atKey = { frame: window.__arena!.frame(), x: p.x, y: p.y };
        w.keyAtMs = performance.now();
      }, { once: true });
    });
    await page.waitForFunction(() => (window as unknown as { samples: Sample[] }).samples.length > 0, null, { timeout: 5_000, polling: "raf" });
    await page.keyboard.down(key);
    await page.waitForFunction(() => {
      const w = window as unknown as { samples: Sample[]; atKey?: Sample };
      return w.atKey !== undefined && w.samples.some((s) => s.frame > w.atKey!.frame);
    }, null, { timeout: 5_000, polling: "raf" });
    const { atKey, next } = await page.evaluate(() => {
      const w = window as unknown as { samples: Sample[]; atKey: Sample };
      return { atKey: w.atKey, next: w.samples.find((s) => s.frame === w.atKey.frame + 1) };
    });
    expect(next, "the first frame after the key press was sampled").toBeDefined();
    expect(Math.abs(next!.x - atKey.x)).toBeGreaterThan(0);

    // Hold the key for the length of the run (the stimulus, measured on the page's clock).
    await page.waitForFunction((runMs) => {
      const w = window as unknown as { keyAtMs: number };
      return performance.now() - w.keyAtMs >= runMs;
    }, RUN_MS, { timeout: RUN_MS + 10_000 });
    const duringRun = (await page.evaluate(() => window.__arena!.predictionError()))!;
    await page.keyboard.up(key);

    // Every input acknowledged during the run: the prediction made for it vs the
    // server's state right after applying it (max over the last 5 s, so the whole run).
    expect(duringRun.samples).toBeGreaterThan(20);
    expect(duringRun.maxUnits).toBeLessThan(1);
    // ... and a correction is rare: the shared step reproduces the server's numbers exactly.
    expect(duringRun.mispredictions).toBeLessThanOrEqual(duringRun.samples / 10);

    // Once the server has caught up, the drawn and the server positions agree, and the run went somewhere.
    await expect.poll(async () => page.evaluate(() => {
      const p = window.__arena!.predicted()!;
      const s = window.__arena!.serverPosition()!;
      return Math.hypot(p.x - s.x, p.y - s.y);
    }), { timeout: 10_000 }).toBeLessThan(1);
    const end = (await page.evaluate(() => window.__arena!.serverPosition()))!;
    expect(Math.abs(end.x - start.x)).toBeGreaterThan(5);
  });
});
