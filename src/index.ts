import { buildServer } from "./app.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`config error: ${error.message}\n`);
  process.exit(2);
}

const logger = createLogger(config.logLevel);

// Room handlers are contained by each room's onUncaughtException; anything
// reaching here escaped every room, so the process state is unknown: log it.
process.on("unhandledRejection", (reason) => {
  logger.error({ event: "unhandled_rejection", err: reason }, "unhandled promise rejection");
});
process.on("uncaughtException", (error) => {
  logger.fatal({ event: "uncaught_exception", err: error }, "uncaught exception, exiting");
  process.exit(1);
});

const server = buildServer(config, { logger });

let isShuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (isShuttingDown) return;
  isShuttingDown = true;
  logger.info({ event: "shutdown", signal }, "shutting down");
  await server.gracefullyShutdown(false);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

try {
  await server.listen(config.port, config.host);
} catch (error) {
  logger.fatal({ event: "listen_failed", err: error, port: config.port, host: config.host }, "could not listen");
  process.exit(1);
}
logger.info({ event: "listening", url: `http://${config.host}:${config.port}`, tickHz: config.tickHz, patchHz: config.patchHz }, `listening on http://${config.host}:${config.port}`);
