import { once } from "node:events";
import type { RedisDriver } from "@colyseus/redis-driver";
import type { RedisPresence } from "@colyseus/redis-presence";
import { expect, it } from "vitest";
import { subscriberConnectionOf } from "../rooms/colyseusInternals.ts";
import { createScaling } from "../src/cluster/scaling.ts";
import { captureLogs } from "./support/logCapture.ts";
import { startPrivateRedis } from "./support/redisServer.ts";

// The shutdown after a drain closes the Redis connections on purpose. The scaling's watchdog is
// stopped first, so that closing them is no outage: no redis_down error in every process's last lines.
it("reports no outage when the shutdown closes the connections after stop()", async () => {
  const redis = await startPrivateRedis();
  const { logger, lines } = captureLogs();
  const scaling = createScaling({ kind: "url", url: redis.url }, logger, { commandTimeoutMs: 1_000 });
  await scaling.ready(5_000);

  scaling.stop();
  const presence = scaling.presence as RedisPresence;
  const subscriber = subscriberConnectionOf(presence);
  const subscriberEnded = once(subscriber, "end");
  presence.shutdown();
  await (scaling.driver as unknown as RedisDriver).shutdown();
  await subscriberEnded;

  expect(subscriber.status).toBe("end");
  expect(lines.filter((line) => line.event === "redis_down")).toEqual([]);
});
