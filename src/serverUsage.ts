/** `npm start -- --help`: what the server process does and what it reads (its options are all environment variables). */
export const SERVER_USAGE = `usage: npm start [-- --help]          (in a container: node src/index.ts)

Runs one game server: matchmaking (HTTP) and game rooms (WebSocket) on HOST:PORT, and a loopback
admin listener on ADMIN_PORT (panel, admin API, /metrics). Logs one JSON line per event on stdout
(npm run dev: restarts on change and prints them readably). The first SIGTERM or SIGINT drains
(rooms run on, up to DRAIN_TIMEOUT_S); a second one closes the remaining rooms at once.
Exit code: 0 after a drain, 1 could not listen or crashed, 2 a bad configuration value.

No options: everything comes from the environment, read once at start-up (npm start and
npm run dev also read a .env file in the working directory when there is one; variables already
in the environment win). Each variable's default, range and meaning: docs/configuration.md.

  network       PORT (2567)  HOST (0.0.0.0)  PUBLIC_ADDRESS (HOST:PORT)  ADMIN_PORT (PORT+100)
                TRUSTED_PROXIES  NODE_APP_INSTANCE (set by PM2)
  game          TICK_HZ (30)  PATCH_HZ (20)  ARENA_MAX_CLIENTS (64)  VIEW_RADIUS (40)
                RECONNECT_GRACE_S (10)  MAX_REWIND_MS (250)  MODES (any)
  scaling       REDIS_URL (unset: one embedded process)  REDIS_COMMAND_TIMEOUT_MS (2000)  REDIS_STARTUP_TIMEOUT_S (10)
                REDIS_SENTINELS + REDIS_SENTINEL_NAME (instead of REDIS_URL)  REDIS_PASSWORD  REDIS_SENTINEL_PASSWORD
                STALE_PROCESS_S (6)  MAX_ROOMS_PER_PROCESS (500)  MAX_CLIENTS_PER_PROCESS (5000)
                DRAIN_TIMEOUT_S (30)  AGONES_SDK (off)
  admission     JOIN_SECRET (unset: anonymous play)  SEAT_RESERVATION_S (8)
                MAX_JOINS_PER_ADDRESS_PER_MIN (120)  MAX_ROOMS_PER_ADDRESS_PER_MIN (20)  RATE_LIMIT_EXEMPT
  clients       MAX_CLIENT_BUFFER_BYTES (1048576)  MAX_MESSAGES_PER_SECOND (max(60, 3 x TICK_HZ))
                CLIENT_SOURCE_MAPS (off)
  operations    LOG_LEVEL (info)  METRICS (on)  ADMIN_TOKEN  METRICS_TOKEN  ADMIN_SESSION_TTL_S (28800)`;
