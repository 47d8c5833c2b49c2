import { buildBlockList } from "../common/network";
import type { RefillInterval } from "../core/credits";
import type { NamedLimit } from "../core/named-limits";
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
  rate_limits: NamedLimit[];
  identity_id: string | null;
  credits_key_id: string | null;
  credits_refill_amount: string | null;
  credits_refill_interval: RefillInterval | null;
  credits_refill_day_of_month: number | null;
}

/**
 * The row whose credits a key's checks spend: the key's own, or for a superseded key (a
 * regeneration's grace period) the latest successor's, so the two never spend separate pools.
 */
const CREDIT_SOURCE_SQL = `
  LEFT JOIN LATERAL (
    WITH RECURSIVE chain AS (
      SELECT k.id, k.rotated_to_id, k.credits_remaining, 0 AS depth
      UNION ALL
      SELECT n.id, n.rotated_to_id, n.credits_remaining, chain.depth + 1
        FROM api_keys n JOIN chain ON n.id = chain.rotated_to_id AND n.tenant_id = k.tenant_id
       WHERE chain.credits_remaining IS NULL AND chain.depth < 10
    )
    SELECT c.id, c.credits_refill_amount, c.credits_refill_interval, c.credits_refill_day_of_month
      FROM chain JOIN api_keys c ON c.id = chain.id
     WHERE chain.credits_remaining IS NOT NULL
     ORDER BY chain.depth LIMIT 1
  ) AS credit_source ON true`;

/** One round trip: the key with its grants, bindings and credit source. `$1` is the lookup id or the key id. */
export const keyStateQuery = (by: "lookup_id" | "id"): string => `
  SELECT k.id, k.tenant_id, k.name, k.external_id, k.metadata, k.secret_hash, k.enabled, k.expires_at,
         k.revoked_at, k.allowed_cidrs, k.rate_limits, k.identity_id,
         credit_source.id AS credits_key_id, credit_source.credits_refill_amount,
         credit_source.credits_refill_interval, credit_source.credits_refill_day_of_month,
         ${KEY_SCOPES_SQL} AS scopes,
         ${KEY_SUBSCRIPTIONS_SQL} AS subscription_ids
  FROM api_keys k
  ${CREDIT_SOURCE_SQL}
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
    rateLimits: row.rate_limits,
    identityId: row.identity_id,
    credits: row.credits_key_id
      ? {
          keyId: row.credits_key_id,
          refill:
            row.credits_refill_interval && row.credits_refill_amount !== null
              ? { amount: Number(row.credits_refill_amount), interval: row.credits_refill_interval, dayOfMonth: row.credits_refill_day_of_month }
              : null,
        }
      : null,
    isRoot: row.tenant_id === PLATFORM_TENANT_ID && ROOT_SCOPES.every((scope) => row.scopes.includes(scope)),
  };
}
