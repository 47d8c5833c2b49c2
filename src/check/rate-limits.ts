import Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Logger } from "../common/logger";
import type { RateLimitState } from "./check.types";

/** A budget of failures for one source, consulted by the verifier. */
export interface FailureBudget {
  /** True while failures may still be tried: asked before work that costs (a query, bcrypt). */
  open(): Promise<boolean>;
  /** Records one failure; false once the budget is exceeded (the failure is then refused as RATE_LIMITED). */
  spend(): Promise<boolean>;
}

export interface RateLimitOptions {
  /** Failed authentications per source address per minute before it is cut off. */
  failedAuthPerMinute: number;
  /** Failed checks (MALFORMED, NOT_FOUND) per caller and client address per minute. */
  failedChecksPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = { failedAuthPerMinute: 30, failedChecksPerMinute: 100 };

const MINUTE = 60;

/**
 * The three budgets of DESIGN.md, in memory or (with REDIS_URL) in Redis so they hold across
 * instances. Should Redis fail, an in-memory limiter stands in rather than letting everything pass.
 */
export class RateLimits {
  private readonly failedAuth: RateLimiterAbstract;
  private readonly failedCheckLimiter: RateLimiterAbstract;
  private readonly perKey = new Map<string, RateLimiterAbstract>();

  private constructor(
    options: RateLimitOptions,
    private readonly redis: Redis | undefined,
  ) {
    this.failedAuth = this.limiter("auth", options.failedAuthPerMinute, MINUTE);
    this.failedCheckLimiter = this.limiter("check", options.failedChecksPerMinute, MINUTE);
  }

  static create(redisUrl: string | undefined, options: RateLimitOptions, logger: Logger): RateLimits {
    if (!redisUrl) return new RateLimits(options, undefined);
    const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    redis.on("error", (error) => logger.warn({ err: error.message }, "redis unavailable; rate limits fall back to memory"));
    return new RateLimits(options, redis);
  }

  /** Failed authentications from one source address. */
  failedAuthentications(address: string): FailureBudget {
    return this.budget(this.failedAuth, address);
  }

  /** Failed checks of one caller for one client address: a backend is never locked out by one user's typos. */
  failedChecks(caller: string, clientIp: string | undefined): FailureBudget {
    return this.budget(this.failedCheckLimiter, `${caller}|${clientIp ?? "-"}`);
  }

  /** Spends one unit of the key's own budget; `allowed` is false once the window's budget is gone. */
  async consumeKey(keyId: string, limit: number, windowSeconds: number): Promise<{ allowed: boolean; state: RateLimitState }> {
    const name = `key:${limit}:${windowSeconds}`;
    let limiter = this.perKey.get(name);
    if (!limiter) {
      limiter = this.limiter(name, limit, windowSeconds);
      this.perKey.set(name, limiter);
    }
    let result: RateLimiterRes;
    let allowed = true;
    try {
      result = await limiter.consume(keyId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      result = rejection;
      allowed = false;
    }
    return {
      allowed,
      state: { limit, remaining: Math.max(0, result.remainingPoints), resetAt: new Date(Date.now() + result.msBeforeNext) },
    };
  }

  async close(): Promise<void> {
    this.redis?.disconnect();
  }

  private limiter(name: string, points: number, duration: number): RateLimiterAbstract {
    const keyPrefix = `keysmith:${name}`;
    if (!this.redis) return new RateLimiterMemory({ keyPrefix, points, duration });
    return new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  }

  private budget(limiter: RateLimiterAbstract, key: string): FailureBudget {
    return {
      async open() {
        const result = await limiter.get(key);
        return !result || result.remainingPoints > 0;
      },
      async spend() {
        try {
          await limiter.consume(key);
          return true;
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) return false;
          throw rejection;
        }
      },
    };
  }
}
