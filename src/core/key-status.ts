import { registerEnumType } from "type-graphql";

/** A key's status is derived from its timestamps at read time, never stored. */
export enum ApiKeyStatus {
  ACTIVE = "ACTIVE",
  EXPIRED = "EXPIRED",
  DISABLED = "DISABLED",
  REVOKED = "REVOKED",
}
registerEnumType(ApiKeyStatus, { name: "ApiKeyStatus" });

export interface KeyLifecycle {
  enabled: boolean;
  expiresAt: Date | null;
  /** May lie in the future: a scheduled revocation (the grace period of a regenerated key). */
  revokedAt: Date | null;
}

export function deriveStatus(key: KeyLifecycle, now: number = Date.now()): ApiKeyStatus {
  if (key.revokedAt && key.revokedAt.getTime() <= now) return ApiKeyStatus.REVOKED;
  if (key.expiresAt && key.expiresAt.getTime() <= now) return ApiKeyStatus.EXPIRED;
  if (!key.enabled) return ApiKeyStatus.DISABLED;
  return ApiKeyStatus.ACTIVE;
}
