import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../support/serverProcess.ts";
import { launchChromium } from "./support/chromium.ts";
import { clearestAim, dropConnection, joinAsPlayer, keyTowardsCentre, waitUntilReconnectable, type Player } from "./support/arenaPage.ts";

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

// Two real players in real Chromium against a real server process. The view
// radius covers the whole arena so the two always see each other wherever
// they spawn (by default they may spawn out of each other's view).
describe("browser client: two players", () => {
  let server: RunningServer;
  let one: Player;
  let two: Player;

  beforeAll(async () => {
    server = await startServer({ VIEW_RADIUS: "400" });
    one = await joinAsPlayer(browser, server.httpUrl, "one");
    two = await joinAsPlayer(browser, server.httpUrl, "two");
  }, 90_000);

  afterAll(async () => {
    await one?.context.close();
    await two?.context.close();
    await server?.stop();
  });

  it("serves the page with the bundled client", async () => {
    const page = await fetch(`${server.httpUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const script = await fetch(`${server.httpUrl}/client/app.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(10_000);
  });

  it("puts both pages in the same room, each seeing the other", async () => {
    await two.page.waitForFunction((id) => window.__arena!.remote(id) !== null, one.sessionId, { timeout: 10_000 });
    await one.page.waitForFunction((id) => window.__arena!.remote(id) !== null, two.sessionId, { timeout: 10_000 });
    expect(await two.page.evaluate((id) => window.__arena!.remote(id)!.name, one.sessionId)).toBe("one");
  });

  it("shows page 1's movement in page 2 within 500 ms of the key press", async () => {
    const start = (await one.page.evaluate(() => window.__arena!.serverPosition()))!;
    const key = keyTowardsCentre(start.x);
    // Both pages stamp with the shared wall clock inside the browser, so the
    // measurement excludes the test's own round trips to the browser.
    await one.page.evaluate(() => {
      window.addEventListener("keydown", () => ((window as unknown as { keyAt: number }).keyAt = Date.now()), { once: true });
    });
    const seen = two.page.evaluate((id) => new Promise<number>((resolve) => {
      const before = window.__arena!.remote(id)!;
      const watch = () => {
        const now = window.__arena!.remote(id);
        if (now !== null && Math.hypot(now.x - before.x, now.y - before.y) > 0.05) resolve(Date.now());
        else requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
    }), one.sessionId);
    await one.page.keyboard.down(key);
    const seenAt = await withDeadline(seen, 5_000, "page 2 never saw page 1 move");
    await one.page.keyboard.up(key);
    const keyAt = await one.page.evaluate(() => (window as unknown as { keyAt: number }).keyAt);
    expect(seenAt - keyAt).toBeLessThan(500);
  });

  it("fires a projectile on click that page 2 sees", async () => {
    const me = (await one.page.evaluate(() => window.__arena!.predicted()))!;
    // Aim from the canvas centre (where the own player is drawn) into open space.
    const angle = clearestAim(me.x, me.y);
    const box = (await one.page.locator("#arena").boundingBox())!;
    await one.page.mouse.click(box.x + box.width / 2 + Math.cos(angle) * 120, box.y + box.height / 2 + Math.sin(angle) * 120);
    await two.page.waitForFunction(
      (id) => window.__arena!.projectiles().some((p) => p.ownerId === id),
      one.sessionId,
      { timeout: 5_000, polling: "raf" },
    );
  });

  it("delivers a whisper typed in page 1's chat box (and one started from page 2's scoreboard)", async () => {
    // Enter focuses the chat line; the letters typed there must not steer the player.
    await one.page.keyboard.press("Enter");
    await one.page.keyboard.type("/w two hello there");
    await one.page.keyboard.press("Enter");
    await waitForChatLine(two.page, "one whispers: hello there");
    await waitForChatLine(one.page, "to two: hello there");

    await two.page.click("#scores button");
    expect(await two.page.inputValue("#chat-input")).toBe("/w one ");
    await two.page.keyboard.type("and back");
    await two.page.keyboard.press("Enter");
    await waitForChatLine(one.page, "two whispers: and back");
  });

  it("shows a reconnecting overlay when page 1's socket drops, and the player comes back", async () => {
    // The SDK may be back within ~0.2 s, quicker than a round trip from here on a busy
    // machine: watch the overlay from inside the page, from before the drop.
    await one.page.evaluate(() => {
      const overlay = document.getElementById("reconnecting")!;
      const w = window as unknown as { sawReconnecting: boolean };
      w.sawReconnecting = false;
      new MutationObserver(() => {
        if (overlay.checkVisibility() && window.__arena!.overlay() === "reconnecting") w.sawReconnecting = true;
      }).observe(overlay, { attributes: true });
    });
    await waitUntilReconnectable(one.page);
    expect(await dropConnection(one.page)).toBe(1);
    await one.page.waitForFunction(() => (window as unknown as { sawReconnecting: boolean }).sawReconnecting, null, { timeout: 5_000 });
    await one.page.waitForFunction(() => window.__arena!.overlay() === "none", null, { timeout: 15_000 });
    expect(await one.page.isVisible("#reconnecting")).toBe(false);
    expect(await one.page.evaluate(() => window.__arena!.sessionId)).toBe(one.sessionId);
    await two.page.waitForFunction((id) => window.__arena!.remote(id)?.isConnected === true, one.sessionId, { timeout: 10_000 });

    // And it plays again: a key press moves it on the server.
    const before = (await one.page.evaluate(() => window.__arena!.serverPosition()))!;
    const key = keyTowardsCentre(before.x);
    await one.page.keyboard.down(key);
    await one.page.waitForFunction((b) => {
      const now = window.__arena!.serverPosition();
      return now !== null && Math.abs(now.x - b.x) > 0.5;
    }, before, { timeout: 10_000 });
    await one.page.keyboard.up(key);
  });
});

// A server that holds no seat for a dropped player: the SDK's reconnection
// is refused, and the page must say so and offer a way back in.
describe("browser client: when reconnecting fails", () => {
  let server: RunningServer;
  let player: Player;

  beforeAll(async () => {
    server = await startServer({ RECONNECT_GRACE_S: "0" });
    player = await joinAsPlayer(browser, server.httpUrl, "lonely");
  }, 90_000);

  afterAll(async () => {
    await player?.context.close();
    await server?.stop();
  });

  it("shows why, and 'play again' joins a new game", async () => {
    const { page } = player;
    await waitUntilReconnectable(page);
    expect(await dropConnection(page)).toBe(1);
    await page.waitForFunction(() => window.__arena!.overlay() === "disconnected", null, { timeout: 30_000 });
    expect(await page.isVisible("#disconnected")).toBe(true);
    expect(await page.textContent("#disconnected-reason")).toMatch(/could not reconnect/i);

    await page.click("#play-again");
    await page.waitForFunction(() => window.__arena!.overlay() === "none" && window.__arena!.predicted() !== null, null, { timeout: 20_000 });
    const sessionId = await page.evaluate(() => window.__arena!.sessionId);
    expect(sessionId).toBeDefined();
    expect(sessionId).not.toBe(player.sessionId);
  });
});

async function waitForChatLine(page: Page, line: string): Promise<void> {
  await page.waitForFunction(
    (expected) => [...document.querySelectorAll("#chat-log li")].some((li) => li.textContent === expected),
    line,
    { timeout: 10_000 },
  );
}

function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
