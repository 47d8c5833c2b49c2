import { buildBlockList } from "../common/network";
import { GrantSet } from "../core/scope-evaluator";
import { ROOT_SCOPES } from "../core/reserved-scopes";
import type { KeyState } from "../core/key-state";
import { PLATFORM_TENANT_ID } from "../core/tenancy";
import { KEY_SCOPES_SQL, KEY_SUBSCRIPTIONS_SQL } from "../keys/key-relations";

export interface KeyStateRow {
  id: string;
  tenant_id: string;
  name: string;
  external_id: string | null;
  metadata: Record<string, unknown> | null;
  secret_hash: string;
  enabled: boolean;
  expires_at: Date | null;
  revoked_at: Date | null;
  scopes: string[];
  subscription_ids: string[];
  allowed_cidrs: string[];
  rate_limit: number | null;
  rate_limit_window_seconds: number | null;
}

/** One round trip: the key with its grants and bindings. `$1` is the lookup id or the key id. */
export const keyStateQuery = (by: "lookup_id" | "id"): string => `
  SELECT k.id, k.tenant_id, k.name, k.external_id, k.metadata, k.secret_hash, k.enabled, k.expires_at,
         k.revoked_at, k.allowed_cidrs, k.rate_limit, k.rate_limit_window_seconds,
         ${KEY_SCOPES_SQL} AS scopes,
         ${KEY_SUBSCRIPTIONS_SQL} AS subscription_ids
  FROM api_keys k
  WHERE k.${by} = $1`;

export function toKeyState(row: KeyStateRow): KeyState {
  const grants = GrantSet.of(row.scopes);
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    externalId: row.external_id,
    metadata: row.metadata,
    secretHash: row.secret_hash,
    enabled: row.enabled,
    expiresAt: row.expires_at ? row.expires_at.getTime() : null,
    revokedAt: row.revoked_at ? row.revoked_at.getTime() : null,
    scopes: row.scopes,
    grants,
    subscriptionIds: row.subscription_ids,
    allowedCidrs: row.allowed_cidrs,
    allowlist: row.allowed_cidrs.length > 0 ? buildBlockList(row.allowed_cidrs) : null,
    rateLimit:
      row.rate_limit !== null && row.rate_limit_window_seconds !== null
        ? { limit: row.rate_limit, windowSeconds: row.rate_limit_window_seconds }
        : null,
    isRoot: row.tenant_id === PLATFORM_TENANT_ID && ROOT_SCOPES.every((scope) => row.scopes.includes(scope)),
  };
}
