import { LRUCache } from "lru-cache";

/**
 * How long a cached copy of database state may live when no invalidation reaches it: the bound
 * on staleness should a change notification ever be missed.
 */
export const CACHE_TTL_MS = 30_000;

export interface GuardedCacheOptions {
  maxEntries: number;
  ttlMs?: number;
  /** While false the cache is bypassed (reads load, nothing is stored): invalidations may be lost. */
  enabled?: () => boolean;
  /** The clock (tests move it instead of waiting). */
  now?: () => number;
}

/**
 * A bounded, least-recently-used cache of database state whose fills are guarded by an epoch that every invalidation
 * moves: a value read while an invalidation happened is returned once and never stored, so a read
 * that started before a change cannot put the old value back for a whole TTL.
 */
export class GuardedCache<K extends {}, V extends {}> {
  private readonly entries: LRUCache<K, V>;
  private epoch = 0;
  private readonly enabled: () => boolean;

  constructor(options: GuardedCacheOptions) {
    this.entries = new LRUCache({ max: options.maxEntries, ttl: options.ttlMs ?? CACHE_TTL_MS, ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}) });
    this.enabled = options.enabled ?? (() => true);
  }

  get(key: K): V | undefined {
    return this.enabled() ? this.entries.get(key) : undefined;
  }

  /** The cached value, or the loaded one (stored unless an invalidation raced the load). */
  async getOrLoad(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const store = this.beginFill();
    const value = await load();
    if (value !== undefined) store(key, value);
    return value;
  }

  /** For fills of several keys at once: call before reading, then store each value read. */
  beginFill(): (key: K, value: V) => void {
    const epoch = this.epoch;
    return (key, value) => {
      if (epoch === this.epoch && this.enabled()) this.entries.set(key, value);
    };
  }

  invalidate(key: K): void {
    this.epoch++;
    this.entries.delete(key);
  }

  clear(): void {
    this.epoch++;
    this.entries.clear();
  }
}
