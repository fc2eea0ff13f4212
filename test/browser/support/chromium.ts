import { access } from "node:fs/promises";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`); playwright-core drives it, it downloads nothing. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags that work on this project's machines (see PLATFORM-NOTES); playwright adds --headless. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Waits (bounded) for the Chromium binary: on a fresh machine it may still be being installed. */
async function waitForChromium(deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      await access(CHROMIUM_PATH);
      return;
    } catch {
      if (Date.now() > until) throw new Error(`no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

/**
 * Launches headless Chromium. Each launch gets a fresh temporary profile
 * (playwright's own --user-data-dir, deleted on close); each
 * `browser.newContext()` is a separate, isolated player.
 */
export async function launchChromium(): Promise<Browser> {
  await waitForChromium(120_000);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}
