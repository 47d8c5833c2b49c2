import { ApiKeyStatus, deriveStatus } from "../core/key-status";
import { maskKey } from "../core/key-format";

/** A key as events describe it: what a receiver needs to find and judge it, never its secret or hash. */
export interface KeyEventKey {
  id: string;
  name: string;
  maskedKey: string;
  status: ApiKeyStatus;
  enabled: boolean;
  externalId: string | null;
  identityId: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface EventKeySource {
  id: string;
  name: string;
  prefix: string;
  lookupId: string;
  last4: string;
  enabled: boolean;
  externalId: string | null;
  identityId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export function keyEventKey(key: EventKeySource, now = Date.now()): KeyEventKey {
  return {
    id: key.id,
    name: key.name,
    maskedKey: maskKey(key.prefix, key.lookupId, key.last4),
    status: deriveStatus(key, now),
    enabled: key.enabled,
    externalId: key.externalId,
    identityId: key.identityId,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/**
 * The same key object built in SQL from an api_keys row aliased `k`, for events written by a
 * statement (credits exhausted, the scheduled scan), with the status the statement knows it has.
 */
export const keyEventKeySql = (status: ApiKeyStatus): string => `jsonb_build_object(
  'id', k.id, 'name', k.name, 'maskedKey', k.prefix || '_' || k.lookup_id || '…' || k.last4,
  'status', CASE WHEN '${status}' = '${ApiKeyStatus.ACTIVE}' AND NOT k.enabled THEN '${ApiKeyStatus.DISABLED}' ELSE '${status}' END,
  'enabled', k.enabled, 'externalId', k.external_id, 'identityId', k.identity_id,
  'expiresAt', to_char(k.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'revokedAt', to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;
