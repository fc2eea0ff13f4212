import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("gives the documented defaults for an empty environment", () => {
    expect(loadConfig({})).toEqual({
      port: 2567, host: "0.0.0.0", tickHz: 30, patchHz: 20, arenaMaxClients: 64,
      viewRadiusUnits: 40, reconnectGraceS: 10, maxRewindMs: 250, logLevel: "info",
    });
  });

  it("reads every variable and freezes the result", () => {
    const config = loadConfig({
      PORT: "3000", HOST: "127.0.0.1", TICK_HZ: "60", PATCH_HZ: "30", ARENA_MAX_CLIENTS: "8",
      VIEW_RADIUS: "25", RECONNECT_GRACE_S: "0", MAX_REWIND_MS: "100", LOG_LEVEL: "DEBUG",
    });
    expect(config).toMatchObject({ port: 3000, host: "127.0.0.1", tickHz: 60, patchHz: 30, logLevel: "debug" });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ["PORT", "http", "PORT=\"http\" is invalid: expected an integer from 0 to 65535"],
    ["PORT", "70000", "PORT=\"70000\" is invalid: expected an integer from 0 to 65535"],
    ["TICK_HZ", "0", "TICK_HZ=\"0\" is invalid: expected an integer from 1 to 120"],
    ["TICK_HZ", "2.5", "TICK_HZ=\"2.5\" is invalid: expected an integer from 1 to 120"],
    ["PATCH_HZ", "31", "PATCH_HZ=\"31\" is invalid: expected an integer from 1 to 30"],
    ["ARENA_MAX_CLIENTS", "-1", "ARENA_MAX_CLIENTS=\"-1\" is invalid: expected an integer from 1 to 512"],
    ["VIEW_RADIUS", "far", "VIEW_RADIUS=\"far\" is invalid: expected an integer from 5 to 400"],
    ["RECONNECT_GRACE_S", "1e3", "RECONNECT_GRACE_S=\"1e3\" is invalid: expected an integer from 0 to 3600"],
    ["MAX_REWIND_MS", "5000", "MAX_REWIND_MS=\"5000\" is invalid: expected an integer from 0 to 1000"],
    ["LOG_LEVEL", "loud", "LOG_LEVEL=\"loud\" is invalid: expected one of fatal, error, warn, info, debug, trace, silent"],
    ["HOST", "bad host", "HOST=\"bad host\" is invalid: expected a hostname or IP address"],
  ])("%s=%s is refused with a message naming it", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new ConfigError(message));
  });
});
