import { describe, expect, it } from "vitest";
import { runToExit } from "./support/serverProcess.ts";

describe("a bad configuration value stops the process before it listens", () => {
  it.each([
    ["PORT", "http"],
    ["HOST", "no spaces allowed"],
    ["TICK_HZ", "0"],
    ["PATCH_HZ", "fast"],
    ["ARENA_MAX_CLIENTS", "0"],
    ["VIEW_RADIUS", "-5"],
    ["RECONNECT_GRACE_S", "1.5"],
    ["MAX_REWIND_MS", "99999"],
    ["LOG_LEVEL", "verbose"],
    ["REDIS_URL", "http://127.0.0.1:6379"],
    ["PUBLIC_ADDRESS", "https://example.com"],
    ["PUBLIC_ADDRESS", "games.example.com:99999"],
    ["DRAIN_TIMEOUT_S", "-1"],
    ["STALE_PROCESS_S", "60"],
    ["ADMIN_TOKEN", "abc"],
    ["TRUSTED_PROXIES", "nginx"],
    ["MODES", "Free For All"],
  ])("%s=%s: exit code 2 and one line naming the variable", async (name, value) => {
    const result = await runToExit({ [name]: value });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^config error: ${name}=".*" is invalid: expected `));
    // Nothing was logged: it never got as far as listening.
    expect(result.stdout).toBe("");
  });
});
