import { createHmac, hkdfSync, randomBytes } from "node:crypto";
import type Redis from "ioredis";
import { LRUCache } from "lru-cache";
import type { Logger } from "../common/logger";

export interface VerifiedKeysOptions {
  maxEntries: number;
  /** Sliding expiry: an entry unused this long is dropped; every hit extends it. */
  idleTtlMs: number;
  /** However often it is used, an entry lives at most this long after its key was last proved by bcrypt. */
  maxAgeMs: number;
  /** The clock (tests move it instead of waiting). */
  now?: () => number;
}

export const DEFAULT_VERIFIED_KEYS: VerifiedKeysOptions = {
  maxEntries: 100_000,
  idleTtlMs: 15 * 60_000,
  maxAgeMs: 24 * 60 * 60_000,
};

/** Fingerprints verified by any instance of the deployment (Redis), read only on a local miss. */
export interface SharedFingerprints {
  get(fingerprint: string): Promise<string | undefined>;
  set(fingerprint: string, keyId: string, ttlMs: number): void;
}

interface Entry {
  keyId: string;
  verifiedAt: number;
}

/**
 * The pepper of fingerprints. With SECRET_KEY it is derived (HKDF) from that secret, which lives
 * only in the environment, so every instance computes the same fingerprints and someone who can
 * read a backup and write to Redis still cannot mint one; without it, a random per-process pepper.
 */
export function fingerprintPepper(secretKey: string | undefined): Buffer {
  if (!secretKey) return randomBytes(32);
  return Buffer.from(hkdfSync("sha256", secretKey, "keysmith", "verified key fingerprints v1", 32));
}

/**
 * Keys proved by bcrypt, recognised by HMAC-SHA256(pepper, full key) so a warm check runs no
 * bcrypt. Bounded and least-recently-used, with sliding expiry up to a maximum age. A fingerprint
 * proves only the secret: the key's state (revocation, expiry, grants) is checked every time.
 */
export class VerifiedKeys {
  private readonly entries: LRUCache<string, Entry>;
  private readonly now: () => number;

  constructor(
    private readonly options: VerifiedKeysOptions,
    private readonly pepper: Buffer,
    private readonly shared?: SharedFingerprints,
  ) {
    this.now = options.now ?? Date.now;
    this.entries = new LRUCache<string, Entry>({
      max: options.maxEntries,
      ttl: options.idleTtlMs,
      updateAgeOnGet: true,
      ...(options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {}),
    });
  }

  /** Whether fingerprints are shared between instances (so a restart stays warm). */
  get sharing(): boolean {
    return this.shared !== undefined;
  }

  fingerprint(presented: string): string {
    return createHmac("sha256", this.pepper).update(presented).digest("base64url");
  }

  /** The key id this instance verified under the fingerprint, or undefined. No I/O. */
  local(fingerprint: string): string | undefined {
    const entry = this.entries.get(fingerprint);
    if (!entry) return undefined;
    if (this.now() - entry.verifiedAt > this.options.maxAgeMs) {
      this.entries.delete(fingerprint);
      return undefined;
    }
    return entry.keyId;
  }

  /** The key id another instance verified under the fingerprint (the caller confirms it and remembers it). */
  fromShared(fingerprint: string): Promise<string | undefined> {
    return this.shared?.get(fingerprint) ?? Promise.resolve(undefined);
  }

  /** After the key proved itself: here, and for every instance when shared (which also extends its life there). */
  remember(fingerprint: string, keyId: string): void {
    this.entries.set(fingerprint, { keyId, verifiedAt: this.now() });
    this.shared?.set(fingerprint, keyId, this.options.maxAgeMs);
  }
}

/** Fingerprints in Redis under the deployment's prefix; a failing Redis reads as a miss (bcrypt runs). */
export function redisFingerprints(redis: Redis, prefix: string, logger: Logger): SharedFingerprints {
  const keyOf = (fingerprint: string) => `${prefix}:fingerprint:${fingerprint}`;
  const warn = (error: Error) => logger.warn({ err: error.message }, "shared fingerprints unavailable; verifying with bcrypt");
  return {
    async get(fingerprint) {
      try {
        return (await redis.get(keyOf(fingerprint))) ?? undefined;
      } catch (error) {
        warn(error as Error);
        return undefined;
      }
    },
    set(fingerprint, keyId, ttlMs) {
      redis.set(keyOf(fingerprint), keyId, "PX", ttlMs).catch(warn);
    },
  };
}
