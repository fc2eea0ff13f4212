import { AgonesLifecycle } from "./agones/AgonesLifecycle.ts";
import { buildApp } from "./app.ts";
import { parseCommandLine } from "./commandLine.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";
import { SERVER_USAGE } from "./serverUsage.ts";

// No options of its own (configuration is the environment's): --help, or a refusal of anything else.
parseCommandLine({ name: "server", usage: SERVER_USAGE, options: {} });

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`config error: ${error.message}\n`);
  process.exit(2);
}

// Under PM2 all instances share one log file: each line names its instance.
const logger = config.instance === undefined ? createLogger(config.logLevel) : createLogger(config.logLevel).child({ instance: config.instance });

// Room handlers are contained by each room's onUncaughtException; anything
// reaching here escaped every room. A rejection is logged and the process goes
// on; an exception leaves the process in an unknown state, so it exits.
process.on("unhandledRejection", (reason) => {
  logger.error({ event: "unhandled_rejection", err: reason }, "unhandled promise rejection");
});
process.on("uncaughtException", (error) => {
  logger.fatal({ event: "uncaught_exception", err: error }, "uncaught exception, exiting");
  process.exit(1);
});

// Agones (AGONES_SDK=1): the GameServer lifecycle, and the public address when PUBLIC_ADDRESS is unset.
const agones = config.isAgonesEnabled ? await AgonesLifecycle.start(config, logger) : undefined;
const app = buildApp(agones?.config ?? config, { logger, telemetry: agones?.telemetry });

// First SIGTERM/SIGINT drains (rooms finish, up to DRAIN_TIMEOUT_S); a second one cuts the drain short.
let insist: () => void = () => undefined;
const insisted = new Promise<void>((resolve) => (insist = resolve));
let isDraining = false;
async function shutdown(signal: string): Promise<void> {
  if (isDraining) {
    logger.warn({ event: "shutdown_insisted", signal }, "second signal: closing the remaining rooms now");
    insist();
    return;
  }
  isDraining = true;
  logger.info({ event: "shutdown", signal }, "shutting down");
  try {
    await app.drain(insisted);
    await agones?.shutdown();
  } catch (error) {
    logger.error({ event: "drain_failed", err: error }, "drain failed");
    process.exit(1);
  }
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

try {
  await app.listen();
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  logger.fatal({ event: "listen_failed", err: error, port: config.port, host: config.host }, `could not start: ${reason}`);
  process.exit(1);
}
logger.info({
  event: "listening", url: `http://${config.host}:${config.port}`, tickHz: config.tickHz, patchHz: config.patchHz,
  scaling: config.redis === undefined ? "embedded" : config.redis.kind === "url" ? "redis" : "redis-sentinel", processId: app.health().processId,
  // Panel, admin API and metrics: always here; on the public port too only behind ADMIN_TOKEN / METRICS_TOKEN.
  adminUrl: `http://${app.adminAddress()}`,
}, `listening on http://${config.host}:${config.port}`);
agones?.onListening(app);
