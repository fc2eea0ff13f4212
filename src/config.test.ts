import { describe, expect, it } from "vitest";
import { ConfigError, describeRedisTarget, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("gives the documented defaults for an empty environment", () => {
    expect(loadConfig({})).toEqual({
      port: 2567, host: "0.0.0.0", tickHz: 30, patchHz: 20, arenaMaxClients: 64,
      viewRadiusUnits: 40, reconnectGraceS: 10, maxRewindMs: 250, logLevel: "info",
      redis: undefined, publicAddress: undefined, instance: undefined, redisCommandTimeoutMs: 2_000, redisStartupTimeoutS: 10, drainTimeoutS: 30, staleProcessS: 6, adminToken: undefined,
      metricsToken: undefined, isMetricsEnabled: true, isClientSourceMapsEnabled: false, maxClientBufferBytes: 1_048_576, maxMessagesPerSecond: 90,
      maxRoomsPerProcess: 500, maxClientsPerProcess: 5_000, joinSecret: undefined,
      trustedProxies: [], maxJoinsPerAddressPerMin: 120, maxRoomsPerAddressPerMin: 20, rateLimitExempt: [],
      seatReservationS: 8, allowedModes: [], adminPort: 2667, adminSessionTtlS: 28_800, isAgonesEnabled: false,
    });
  });

  it("reads the trust model, the per-address limits and the admin listener", () => {
    expect(loadConfig({
      TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8", RATE_LIMIT_EXEMPT: "::1", MAX_JOINS_PER_ADDRESS_PER_MIN: "5",
      MAX_ROOMS_PER_ADDRESS_PER_MIN: "2", SEAT_RESERVATION_S: "3", MODES: "ffa, ctf", ADMIN_PORT: "9000", ADMIN_SESSION_TTL_S: "60",
    })).toMatchObject({
      trustedProxies: [{ address: "127.0.0.1", prefix: 32, family: 4 }, { address: "10.0.0.0", prefix: 8, family: 4 }],
      rateLimitExempt: [{ address: "::1", prefix: 128, family: 6 }],
      maxJoinsPerAddressPerMin: 5, maxRoomsPerAddressPerMin: 2, seatReservationS: 3, allowedModes: ["ffa", "ctf"],
      adminPort: 9000, adminSessionTtlS: 60,
    });
    // The admin listener follows the game port unless set; any free port when the game port is.
    expect(loadConfig({ PORT: "3000" }).adminPort).toBe(3100);
    expect(loadConfig({ PORT: "0" }).adminPort).toBe(0);
  });

  it("reads every variable and freezes the result", () => {
    const config = loadConfig({
      PORT: "3000", HOST: "127.0.0.1", TICK_HZ: "60", PATCH_HZ: "30", ARENA_MAX_CLIENTS: "8",
      VIEW_RADIUS: "25", RECONNECT_GRACE_S: "0", MAX_REWIND_MS: "100", LOG_LEVEL: "DEBUG",
      REDIS_URL: "redis://127.0.0.1:6380/2", PUBLIC_ADDRESS: "games.example.com/p1", DRAIN_TIMEOUT_S: "5",
      STALE_PROCESS_S: "8", ADMIN_TOKEN: "0123456789abcdef", CLIENT_SOURCE_MAPS: "on",
    });
    expect(config).toMatchObject({
      port: 3000, host: "127.0.0.1", tickHz: 60, patchHz: 30, logLevel: "debug", redis: { kind: "url", url: "redis://127.0.0.1:6380/2" },
      publicAddress: "games.example.com/p1", drainTimeoutS: 5, staleProcessS: 8, adminToken: "0123456789abcdef",
      isClientSourceMapsEnabled: true,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ["PORT", "http", "PORT=\"http\" is invalid: expected an integer from 0 to 65535"],
    ["PORT", "70000", "PORT=\"70000\" is invalid: expected an integer from 0 to 65535"],
    ["TICK_HZ", "0", "TICK_HZ=\"0\" is invalid: expected an integer from 1 to 120"],
    ["TICK_HZ", "2.5", "TICK_HZ=\"2.5\" is invalid: expected an integer from 1 to 120"],
    ["PATCH_HZ", "31", "PATCH_HZ=\"31\" is invalid: expected an integer from 1 to 30"],
    ["ARENA_MAX_CLIENTS", "-1", "ARENA_MAX_CLIENTS=\"-1\" is invalid: expected an integer from 1 to 10000"],
    ["ARENA_MAX_CLIENTS", "10001", "ARENA_MAX_CLIENTS=\"10001\" is invalid: expected an integer from 1 to 10000"],
    ["VIEW_RADIUS", "far", "VIEW_RADIUS=\"far\" is invalid: expected an integer from 5 to 400"],
    ["RECONNECT_GRACE_S", "1e3", "RECONNECT_GRACE_S=\"1e3\" is invalid: expected an integer from 0 to 3600"],
    ["MAX_REWIND_MS", "5000", "MAX_REWIND_MS=\"5000\" is invalid: expected an integer from 0 to 1000"],
    ["LOG_LEVEL", "loud", "LOG_LEVEL=\"loud\" is invalid: expected one of fatal, error, warn, info, debug, trace, silent"],
    ["HOST", "bad host", "HOST=\"bad host\" is invalid: expected a hostname or IP address"],
    ["REDIS_URL", "localhost:6379", "REDIS_URL=\"localhost:6379\" is invalid: expected a redis:// or rediss:// URL"],
    ["PUBLIC_ADDRESS", "ws://game.example.com", "PUBLIC_ADDRESS=\"ws://game.example.com\" is invalid: expected host:port or host/path (no scheme)"],
    ["DRAIN_TIMEOUT_S", "soon", "DRAIN_TIMEOUT_S=\"soon\" is invalid: expected an integer from 0 to 3600"],
    ["STALE_PROCESS_S", "30", "STALE_PROCESS_S=\"30\" is invalid: expected an integer from 4 to 10"],
    ["ADMIN_TOKEN", "short", "ADMIN_TOKEN=\"short\" is invalid: expected at least 16 non-space characters"],
    ["METRICS_TOKEN", "has space in it right", "METRICS_TOKEN=\"has space in it right\" is invalid: expected at least 16 non-space characters"],
    ["METRICS", "maybe", "METRICS=\"maybe\" is invalid: expected one of on, off"],
    ["PUBLIC_ADDRESS", "games.example.com:99999", "PUBLIC_ADDRESS=\"games.example.com:99999\" is invalid: expected a port from 1 to 65535 after the host"],
    ["PUBLIC_ADDRESS", "games.example.com:0/p1", "PUBLIC_ADDRESS=\"games.example.com:0/p1\" is invalid: expected a port from 1 to 65535 after the host"],
    ["REDIS_URL", "redis://:secret@cache:6379 x", "REDIS_URL=\"redis://***@cache:6379 x\" is invalid: expected a redis:// or rediss:// URL"],
    ["CLIENT_SOURCE_MAPS", "yes", "CLIENT_SOURCE_MAPS=\"yes\" is invalid: expected one of on, off"],
    ["MAX_CLIENT_BUFFER_BYTES", "1kb", "MAX_CLIENT_BUFFER_BYTES=\"1kb\" is invalid: expected an integer from 16384 to 67108864"],
    ["MAX_MESSAGES_PER_SECOND", "5", "MAX_MESSAGES_PER_SECOND=\"5\" is invalid: expected an integer from 40 to 10000"],
    ["MAX_ROOMS_PER_PROCESS", "0", "MAX_ROOMS_PER_PROCESS=\"0\" is invalid: expected an integer from 1 to 100000"],
    ["MAX_CLIENTS_PER_PROCESS", "lots", "MAX_CLIENTS_PER_PROCESS=\"lots\" is invalid: expected an integer from 1 to 1000000"],
    ["JOIN_SECRET", "too-short", "JOIN_SECRET=\"too-short\" is invalid: expected at least 32 non-space characters"],
    ["TRUSTED_PROXIES", "127.0.0.1,nginx", "TRUSTED_PROXIES=\"127.0.0.1,nginx\" is invalid: expected comma-separated IP addresses or CIDRs (\"nginx\" is neither)"],
    ["RATE_LIMIT_EXEMPT", "10.0.0.0/40", "RATE_LIMIT_EXEMPT=\"10.0.0.0/40\" is invalid: expected comma-separated IP addresses or CIDRs (\"10.0.0.0/40\" is neither)"],
    ["MAX_JOINS_PER_ADDRESS_PER_MIN", "0", "MAX_JOINS_PER_ADDRESS_PER_MIN=\"0\" is invalid: expected an integer from 1 to 1000000"],
    ["MAX_ROOMS_PER_ADDRESS_PER_MIN", "many", "MAX_ROOMS_PER_ADDRESS_PER_MIN=\"many\" is invalid: expected an integer from 1 to 1000000"],
    ["SEAT_RESERVATION_S", "120", "SEAT_RESERVATION_S=\"120\" is invalid: expected an integer from 2 to 60"],
    ["MODES", "ffa,Capture The Flag", "MODES=\"ffa,Capture The Flag\" is invalid: expected comma-separated modes of 1-24 a-z, 0-9 and -"],
    ["ADMIN_PORT", "-1", "ADMIN_PORT=\"-1\" is invalid: expected an integer from 0 to 65535"],
    ["REDIS_COMMAND_TIMEOUT_MS", "50", "REDIS_COMMAND_TIMEOUT_MS=\"50\" is invalid: expected an integer from 100 to 60000"],
    ["REDIS_STARTUP_TIMEOUT_S", "0", "REDIS_STARTUP_TIMEOUT_S=\"0\" is invalid: expected an integer from 1 to 3600"],
    ["NODE_APP_INSTANCE", "x", "NODE_APP_INSTANCE=\"x\" is invalid: expected an integer from 0 to 4096"],
    ["PUBLIC_ADDRESS", "games.example.com/{pod}", "PUBLIC_ADDRESS=\"games.example.com/{pod}\" is invalid: unknown placeholder {pod} (expected {instance}, {index}, {hostname} or {port})"],
    ["ADMIN_SESSION_TTL_S", "1", "ADMIN_SESSION_TTL_S=\"1\" is invalid: expected an integer from 5 to 604800"],
    ["AGONES_SDK", "yes", "AGONES_SDK=\"yes\" is invalid: expected 1, 0, on, off, true or false"],
  ])("%s=%s is refused with a message naming it", (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new ConfigError(message));
  });

  it("reads a Sentinel-watched primary from REDIS_SENTINELS and REDIS_SENTINEL_NAME, with the passwords", () => {
    const config = loadConfig({
      REDIS_SENTINELS: "10.0.0.1:26379, sentinel-b:26380,[::1]:26381", REDIS_SENTINEL_NAME: "game-primary",
      REDIS_PASSWORD: "data-secret", REDIS_SENTINEL_PASSWORD: "sentinel-secret",
    });
    expect(config.redis).toEqual({
      kind: "sentinel", primaryName: "game-primary", password: "data-secret", sentinelPassword: "sentinel-secret",
      sentinels: [{ host: "10.0.0.1", port: 26379 }, { host: "sentinel-b", port: 26380 }, { host: "::1", port: 26381 }],
    });
    expect(describeRedisTarget(config.redis!)).toBe('REDIS_SENTINELS="10.0.0.1:26379,sentinel-b:26380,[::1]:26381" (REDIS_SENTINEL_NAME="game-primary")');
    expect(describeRedisTarget({ kind: "url", url: "redis://:pw@cache:6379" })).toBe('REDIS_URL="redis://***@cache:6379"');
  });

  it.each([
    [{ REDIS_SENTINELS: "s1:26379" }, "REDIS_SENTINELS is set but REDIS_SENTINEL_NAME is not: expected the primary's name from the Sentinels' `sentinel monitor` line"],
    [{ REDIS_SENTINELS: "s1:26379,s2", REDIS_SENTINEL_NAME: "p" }, "REDIS_SENTINELS=\"s1:26379,s2\" is invalid: expected comma-separated host:port (\"s2\" is not)"],
    [{ REDIS_SENTINELS: "s1:70000", REDIS_SENTINEL_NAME: "p" }, "REDIS_SENTINELS=\"s1:70000\" is invalid: expected comma-separated host:port (\"s1:70000\" is not)"],
    [{ REDIS_SENTINELS: "s1:26379", REDIS_SENTINEL_NAME: "my primary" }, "REDIS_SENTINEL_NAME=\"my primary\" is invalid: expected 1-64 of A-Z, a-z, 0-9, ., _ and -"],
    [{ REDIS_SENTINELS: "s1:26379", REDIS_SENTINEL_NAME: "p", REDIS_URL: "redis://cache:6379" }, "REDIS_URL and REDIS_SENTINELS are both set: set one (REDIS_SENTINELS for a Sentinel-watched primary)"],
    [{ REDIS_SENTINEL_NAME: "p" }, "REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not: it only applies to Redis Sentinel (with REDIS_URL, put the password in the URL)"],
    [{ REDIS_URL: "redis://cache:6379", REDIS_PASSWORD: "pw" }, "REDIS_PASSWORD is set but REDIS_SENTINELS is not: it only applies to Redis Sentinel (with REDIS_URL, put the password in the URL)"],
    [{ REDIS_SENTINELS: "s1:26379", REDIS_SENTINEL_NAME: "p", REDIS_PASSWORD: "has space" }, "REDIS_PASSWORD is invalid: expected 1-512 non-space characters"],
  ])("refuses the Redis setting %j with one line, never showing a password", (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it.each([["1", true], ["ON", true], ["true", true], ["0", false], ["off", false], ["False", false], ["", false]])("AGONES_SDK=%s is read as %s", (value, isOn) => {
    expect(loadConfig({ AGONES_SDK: value }).isAgonesEnabled).toBe(isOn);
  });

  it.each(["games.example.com:1", "10.0.0.5:65535/p2", "games.example.com/p1"])("PUBLIC_ADDRESS=%s is accepted", (address) => {
    expect(loadConfig({ PUBLIC_ADDRESS: address }).publicAddress).toBe(address);
  });

  describe("one setting for a whole fleet", () => {
    const laptop = { hostname: "laptop" };

    it("offsets the ports by PM2's NODE_APP_INSTANCE and fills {index}, {instance} and {port}", () => {
      const config = loadConfig({ NODE_APP_INSTANCE: "2", PORT: "3000", PUBLIC_ADDRESS: "games.example.com/p{index}/i{instance}" }, laptop);
      expect(config).toMatchObject({ instance: 2, port: 3002, adminPort: 3102, publicAddress: "games.example.com/p3/i2" });
      expect(loadConfig({ NODE_APP_INSTANCE: "1", PORT: "3000", ADMIN_PORT: "4000", PUBLIC_ADDRESS: "10.0.0.5:{port}" }, laptop))
        .toMatchObject({ port: 3001, adminPort: 4001, publicAddress: "10.0.0.5:3001" });
      // Port 0 (any free port) stays 0 for every instance.
      expect(loadConfig({ NODE_APP_INSTANCE: "1", PORT: "0" }, laptop)).toMatchObject({ port: 0, adminPort: 0 });
    });

    it("takes a StatefulSet pod's ordinal from its hostname when PM2 gives none", () => {
      expect(loadConfig({ PUBLIC_ADDRESS: "games.example.com/p{index}" }, { hostname: "gameserver-0" }).publicAddress).toBe("games.example.com/p1");
      expect(loadConfig({ PUBLIC_ADDRESS: "{hostname}.gameserver-pods:2567" }, { hostname: "gameserver-12" }).publicAddress).toBe("gameserver-12.gameserver-pods:2567");
      // Without either, the port is not offset and {instance} cannot be filled.
      expect(loadConfig({ PORT: "3000" }, { hostname: "gameserver-4" }).port).toBe(3000);
      expect(() => loadConfig({ PUBLIC_ADDRESS: "games.example.com/p{instance}" }, laptop)).toThrow(new ConfigError(
        "PUBLIC_ADDRESS=\"games.example.com/p{instance}\" is invalid: {instance} needs NODE_APP_INSTANCE or a hostname ending in -N (a StatefulSet pod), and this process has neither"));
    });

    it("checks the address after filling it in, and shows both", () => {
      expect(() => loadConfig({ PUBLIC_ADDRESS: "{hostname}/p1" }, { hostname: "bad_host!" })).toThrow(new ConfigError(
        "PUBLIC_ADDRESS=\"{hostname}/p1\" (\"bad_host!/p1\") is invalid: expected host:port or host/path (no scheme)"));
      expect(() => loadConfig({ NODE_APP_INSTANCE: "10", PORT: "65530" }, laptop)).toThrow(new ConfigError("PORT=65530 plus NODE_APP_INSTANCE=10 is past 65535"));
    });
  });
});
