import type Redis from "ioredis";
import { LRUCache } from "lru-cache";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { sourceOf } from "../common/network";

/** A budget of failures for one sender, consulted before work that costs and spent by each failure. */
export interface FailureBudget {
  /** undefined while failures may still be tried; otherwise how long (ms) until they may. */
  exhausted(): Promise<number | undefined>;
  /** Records one failure; returns how long (ms) to wait when that failure went over the budget. */
  spend(): Promise<number | undefined>;
}

export interface RateLimitOptions {
  /** Failed authentications on Keysmith's own API per source address (an IPv6 source counts as its /64). */
  failedAuthPerMinute: number;
  /** Failed checks (MALFORMED, NOT_FOUND) per caller and client address. */
  failedChecksPerMinute: number;
  /** Failed bcrypt compares per caller over all its client addresses, and per source address for credentials. */
  failedComparesPerMinute: number;
  /** Management requests (anything but checks) per principal. */
  managementRequestsPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitOptions = {
  failedAuthPerMinute: 30,
  failedChecksPerMinute: 100,
  failedComparesPerMinute: 600,
  managementRequestsPerMinute: 1_200,
};

/** One named limit a check spends: its counter (the key's or the identity's), and the cost. */
export interface LimitSpend {
  name: string;
  /** Names the counter: `key:<id>:<name>` or `identity:<id>:<name>`, shared by every instance through Redis. */
  counter: string;
  limit: number;
  windowSeconds: number;
  cost: number;
}

/** A limit after a check: what remains of it, and whether this check went over it. */
export interface LimitOutcome {
  name: string;
  limit: number;
  remaining: number;
  resetAt: Date;
  exceeded: boolean;
}

export interface LimitsSpent {
  /** False when any limit was exceeded: then nothing was spent. */
  allowed: boolean;
  outcomes: LimitOutcome[];
  /** Gives the spent costs back (a check refused after the limits, by its credits, spends nothing). */
  refund(): Promise<LimitOutcome[]>;
}

const MINUTE_SECONDS = 60;
/** Distinct rate-limit windows in use at once; each is one limiter (its counts are per key). */
export const MAX_WINDOWS = 1_000;

/**
 * The sender budgets and the keys' own limits, in memory or (with Redis) shared by every instance.
 * Should Redis fail, an in-memory limiter stands in rather than letting everything pass.
 */
export class RateLimits {
  private readonly failedAuth: RateLimiterAbstract;
  private readonly failedCheck: RateLimiterAbstract;
  private readonly failedCompare: RateLimiterAbstract;
  private readonly management: RateLimiterAbstract;
  /** One limiter per window length, counting every key's checks in that window; bounded. */
  private readonly windows = new LRUCache<number, RateLimiterAbstract>({ max: MAX_WINDOWS });

  constructor(
    options: RateLimitOptions,
    private readonly redis: { client: Redis; prefix: string } | undefined,
  ) {
    this.failedAuth = this.limiter("auth", options.failedAuthPerMinute, MINUTE_SECONDS);
    this.failedCheck = this.limiter("check", options.failedChecksPerMinute, MINUTE_SECONDS);
    this.failedCompare = this.limiter("compare", options.failedComparesPerMinute, MINUTE_SECONDS);
    this.management = this.limiter("management", options.managementRequestsPerMinute, MINUTE_SECONDS);
  }

  /** Window lengths with a limiter in memory (bounded: the keys' limits cannot grow it without end). */
  get windowsInUse(): number {
    return this.windows.size;
  }

  /** Failed authentications from one source address. */
  failedAuthentications(address: string): FailureBudget {
    return budget(this.failedAuth, sourceOf(address));
  }

  /** Failed checks of one caller for one client address: a backend is never locked out by one user's typos. */
  failedChecks(caller: string, clientIp: string | undefined): FailureBudget {
    return budget(this.failedCheck, `${caller}|${clientIp ?? "-"}`);
  }

  /** Failed bcrypt compares of one sender: a caller over all its client addresses, or a source address. */
  failedCompares(sender: string): FailureBudget {
    return budget(this.failedCompare, sender);
  }

  /** Management requests of one principal (every request spends one). */
  managementRequests(principalId: string): FailureBudget {
    return budget(this.management, principalId);
  }

  /**
   * Spends each limit's cost at once. A check over any of them spends none: every cost is given
   * back, so a refused check never eats into a window.
   */
  async spendLimits(spends: readonly LimitSpend[]): Promise<LimitsSpent> {
    const results = await Promise.all(spends.map((spend) => this.windowOf(spend.windowSeconds).consume(spend.counter, spend.cost)));
    const outcomeOf = (spend: LimitSpend, consumed: number, msBeforeNext: number, kept: boolean): LimitOutcome => ({
      name: spend.name,
      limit: spend.limit,
      remaining: Math.max(0, spend.limit - (kept ? consumed : consumed - spend.cost)),
      resetAt: new Date(Date.now() + msBeforeNext),
      exceeded: consumed > spend.limit,
    });
    const allowed = results.every((result, index) => result.consumedPoints <= spends[index].limit);
    const giveBack = () => Promise.all(spends.map((spend) => (spend.cost > 0 ? this.windowOf(spend.windowSeconds).reward(spend.counter, spend.cost) : undefined)));
    if (!allowed) await giveBack();
    const outcomes = spends.map((spend, index) => outcomeOf(spend, results[index].consumedPoints, results[index].msBeforeNext, allowed));
    return {
      allowed,
      outcomes,
      refund: async () => {
        if (allowed) await giveBack();
        return spends.map((spend, index) => ({ ...outcomes[index], remaining: Math.max(0, spend.limit - (results[index].consumedPoints - spend.cost)) }));
      },
    };
  }

  /** One limiter per window length counts every limit with that window; its points are the limits' to judge. */
  private windowOf(windowSeconds: number): RateLimiterAbstract {
    let limiter = this.windows.get(windowSeconds);
    if (!limiter) {
      limiter = this.limiter(`window:${windowSeconds}`, Number.MAX_SAFE_INTEGER, windowSeconds);
      this.windows.set(windowSeconds, limiter);
    }
    return limiter;
  }

  private limiter(name: string, points: number, duration: number): RateLimiterAbstract {
    if (!this.redis) return new RateLimiterMemory({ keyPrefix: name, points, duration });
    return new RateLimiterRedis({
      storeClient: this.redis.client,
      keyPrefix: `${this.redis.prefix}:limit:${name}`,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration }),
    });
  }
}

function budget(limiter: RateLimiterAbstract, key: string): FailureBudget {
  return {
    async exhausted() {
      const result = await limiter.get(key);
      return result && result.remainingPoints <= 0 ? result.msBeforeNext : undefined;
    },
    async spend() {
      try {
        await limiter.consume(key);
        return undefined;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return rejection.msBeforeNext;
        throw rejection;
      }
    },
  };
}
