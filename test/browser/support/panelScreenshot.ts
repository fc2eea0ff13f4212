import { fileURLToPath } from "node:url";
import { startCluster, stopAll } from "../../support/cluster.ts";
import { startPrivateRedis } from "../../support/redisServer.ts";
import { launchChromium } from "./chromium.ts";
import { joinBots, keepMoving, leaveBots, type PanelBot } from "./panelBots.ts";
import { openPanel, waitForStream, waitForView } from "./panelPage.ts";

/**
 * Regenerates docs/panel.png: the panel's overview under load. Two processes
 * on a private Redis, bots joining in waves (so the CCU chart climbs) and
 * playing, then a 1200x800 screenshot. Bounded: about two minutes, then it
 * stops everything it started.
 *
 *   node test/browser/support/panelScreenshot.ts [output.png]
 */
const OUTPUT = process.argv[2] ?? fileURLToPath(new URL("../../../docs/panel.png", import.meta.url));
const TOKEN = "panel-screenshot-token-0123456789";
const WAVES = 4;
const BOTS_PER_WAVE = 8;
const WAVE_INTERVAL_MS = 20_000;
const SETTLE_MS = 20_000;

const redis = await startPrivateRedis();
const servers = await startCluster(2, redis.url, { ADMIN_TOKEN: TOKEN, LOG_LEVEL: "warn" });
const browser = await launchChromium();
const bots: PanelBot[] = [];
const stops: (() => void)[] = [];
try {
  const { page } = await openPanel(browser, servers[0]!.httpUrl);
  await waitForView(page, "login");
  await page.fill("#token", TOKEN);
  await page.click("#login-submit");
  await waitForView(page, "overview");
  await waitForStream(page, "live");
  for (let wave = 0; wave < WAVES; wave++) {
    // One mode per wave: a new room each time, spread over both processes.
    const joined = await joinBots(servers, BOTS_PER_WAVE, `wave-${wave}`, `bot${wave}`);
    bots.push(...joined);
    stops.push(keepMoving(joined));
    await new Promise((resolve) => setTimeout(resolve, WAVE_INTERVAL_MS));
  }
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  // Off the charts: a hovered chart shows its cursor legend.
  await page.mouse.move(1, 1);
  await page.screenshot({ path: OUTPUT });
  console.log(`wrote ${OUTPUT} (${bots.length} bots)`);
} finally {
  for (const stop of stops) stop();
  await leaveBots(bots);
  await browser.close();
  await stopAll(servers);
  await redis.stop();
}
