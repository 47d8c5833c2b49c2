import Redis from "ioredis";
import type { Logger } from "../common/logger";

/** One Redis connection for the instance, and the prefix every key of this deployment carries. */
export interface SharedRedis {
  client: Redis;
  prefix: string;
}

/**
 * Fails fast rather than queueing when Redis is away: limits fall back to memory and shared
 * fingerprints read as misses (bcrypt runs), so an outage slows cold checks and stops nothing.
 */
export function connectRedis(url: string, prefix: string, logger: Logger): SharedRedis {
  const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 500, lazyConnect: false });
  let reported = false;
  client.on("error", (error) => {
    if (!reported) logger.warn({ err: error.message }, "redis unavailable; limits count in memory, fingerprints are not shared");
    reported = true;
  });
  client.on("ready", () => (reported = false));
  return { client, prefix };
}
