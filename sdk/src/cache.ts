import { createHash } from "node:crypto";

export interface DecisionCacheOptions {
  /** How long an answer is reused. A revoked or disabled key stays accepted for up to this long. */
  ttlMs: number;
  /** The most answers kept; the least recently used goes first. */
  maxEntries: number;
  /** The clock, in milliseconds (default Date.now); tests move it by hand. */
  now?: () => number;
}

/** What identifies one question to Keysmith: the same inputs get the same answer. */
export interface DecisionCacheKey {
  key: string;
  scopes: readonly string[];
  mode: string;
  subscriptionId: string | null;
  clientIp: string | null;
}

/** A digest, so the cache holds no key in the clear. */
export function decisionCacheKey(question: DecisionCacheKey): string {
  const { key, scopes, mode, subscriptionId, clientIp } = question;
  return createHash("sha256").update(JSON.stringify([key, scopes, mode, subscriptionId, clientIp])).digest("base64url");
}

/**
 * An opt-in LRU of allowed decisions, with a time to live. The trade-off: a key revoked, disabled
 * or edited in Keysmith is still accepted here until its entry expires (up to ttlMs), and reused
 * answers spend none of the key's rate limit and are not counted in its usage.
 */
export class DecisionCache<TValue> {
  private readonly entries = new Map<string, { value: TValue; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: DecisionCacheOptions) {
    if (!(Number.isFinite(options.ttlMs) && options.ttlMs > 0)) throw new TypeError("cache.ttlMs must be a positive number");
    if (!(Number.isInteger(options.maxEntries) && options.maxEntries > 0)) throw new TypeError("cache.maxEntries must be a positive integer");
    this.now = options.now ?? Date.now;
  }

  get(key: string): TValue | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: TValue): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
