import { access } from "node:fs/promises";
import { chromium, type Browser } from "playwright-core";
import { chromiumPath } from "../../support/prerequisites.ts";

/** Debian's Chromium (`apt-get install -y chromium`); playwright-core drives it, it downloads nothing. */
export const CHROMIUM_PATH = chromiumPath(process.env);

/**
 * Flags for a root user in a VM without a GPU or outside network: no sandbox (root), no GPU, no
 * QUIC and no background fetches (nothing to reach). Playwright adds --headless.
 */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Fails with the fix when Debian's Chromium is missing (.ci/run installs it). */
async function assertChromium(): Promise<void> {
  try {
    await access(CHROMIUM_PATH);
  } catch {
    throw new Error(`no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  }
}

/**
 * Launches headless Chromium. Each launch gets a fresh temporary profile
 * (playwright's own --user-data-dir, deleted on close); each
 * `browser.newContext()` is a separate, isolated player.
 */
export async function launchChromium(): Promise<Browser> {
  await assertChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}
