/** A key's status is derived from its timestamps at read time, never stored. */
export enum ApiKeyStatus {
  ACTIVE = "ACTIVE",
  EXPIRED = "EXPIRED",
  DISABLED = "DISABLED",
  REVOKED = "REVOKED",
}

type Instant = Date | number | null;

export interface KeyLifecycle {
  enabled: boolean;
  expiresAt: Instant;
  /** May lie in the future: a scheduled revocation (the grace period of a regenerated key). */
  revokedAt: Instant;
}

const reached = (instant: Instant, now: number): boolean => instant !== null && (typeof instant === "number" ? instant : instant.getTime()) <= now;

/** REVOKED if revokedAt <= now; else EXPIRED if expiresAt <= now; else DISABLED if not enabled; else ACTIVE. */
export function deriveStatus(key: KeyLifecycle, now: number = Date.now()): ApiKeyStatus {
  if (reached(key.revokedAt, now)) return ApiKeyStatus.REVOKED;
  if (reached(key.expiresAt, now)) return ApiKeyStatus.EXPIRED;
  if (!key.enabled) return ApiKeyStatus.DISABLED;
  return ApiKeyStatus.ACTIVE;
}
