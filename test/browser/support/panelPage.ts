import type { Browser, BrowserContext, Page } from "playwright-core";

/** Generous: two cores shared with other test runs. */
export const PANEL_DEADLINE_MS = 15_000;

export interface PanelPage {
  context: BrowserContext;
  page: Page;
  /** Every admin API request the page made, as "METHOD /admin/api/path". */
  apiRequests: string[];
  /** Uncaught errors and console errors on the page. */
  errors: string[];
}

/** Opens the panel in a fresh browser context (its own cookies) at 1200x800. */
export async function openPanel(browser: Browser, baseUrl: string): Promise<PanelPage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  const apiRequests: string[] = [];
  const errors: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith("/admin/api/")) apiRequests.push(`${request.method()} ${url.pathname}`);
  });
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // Failed resource loads are reported by the tests that care (a 401 before login is expected).
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(`console: ${message.text()}`);
  });
  await page.goto(`${baseUrl}/panel`);
  return { context, page, apiRequests, errors };
}

/** Waits until the page shows `view` (the body's data-view: login, overview, rooms, room, blocked). */
export async function waitForView(page: Page, view: string, timeout = PANEL_DEADLINE_MS): Promise<void> {
  await page.waitForFunction((name) => document.body.dataset.view === name, view, { timeout });
}

/** Waits until the stream indicator shows `status` (connecting, live, reconnecting, stopped). */
export async function waitForStream(page: Page, status: string, timeout = PANEL_DEADLINE_MS): Promise<void> {
  await page.waitForFunction((s) => document.body.dataset.stream === s, status, { timeout });
}

/** A total's exact value from the overview (`data-value` of #total-<name>). */
export async function totalOf(page: Page, name: "processes" | "ccu" | "rooms" | "bytes"): Promise<number | undefined> {
  const raw = await page.locator(`#total-${name}`).getAttribute("data-value");
  return raw === null || raw === "" ? undefined : Number(raw);
}

/** The newest notice's sequence number (0: none yet). */
async function lastNoticeSeq(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, ...Array.from(document.querySelectorAll<HTMLElement>("#notices li")).map((li) => Number(li.dataset.seq))));
}

/** Confirms the open confirmation dialog and returns the notice the action then reports. */
export async function confirmAndReadNotice(page: Page): Promise<{ kind: string; text: string }> {
  await page.locator("#confirm").waitFor({ state: "visible", timeout: 5_000 });
  const before = await lastNoticeSeq(page);
  await page.click("#confirm-ok");
  const handle = await page.waitForFunction((seq) => {
    const li = Array.from(document.querySelectorAll<HTMLElement>("#notices li")).find((item) => Number(item.dataset.seq) > seq);
    return li === undefined ? null : { kind: li.dataset.kind ?? "", text: li.textContent ?? "" };
  }, before, { timeout: PANEL_DEADLINE_MS });
  return (await handle.jsonValue())!;
}
