import type { SelectQueryBuilder } from "typeorm";
import type { ApiKey } from "./api-key.entity";

/** A key's grants, as an array selected with the key itself (`k` is the api_keys row). */
export const KEY_SCOPES_SQL =
  "ARRAY(SELECT g.scope FROM permission_grants g WHERE g.tenant_id = k.tenant_id AND g.api_key_id = k.id ORDER BY g.scope)";

/** A key's bound subscriptions, as an array selected with the key itself (`k` is the api_keys row). */
export const KEY_SUBSCRIPTIONS_SQL =
  "ARRAY(SELECT b.subscription_id::text FROM api_key_subscriptions b WHERE b.tenant_id = k.tenant_id AND b.api_key_id = k.id ORDER BY 1)";

const SCOPES_ALIAS = "relation_scopes";
const SUBSCRIPTIONS_ALIAS = "relation_subscription_ids";

/** Selects each key's grants and bindings in the same query: no extra round trip per key or page. */
export function withRelations(query: SelectQueryBuilder<ApiKey>): SelectQueryBuilder<ApiKey> {
  return query.addSelect(KEY_SCOPES_SQL, SCOPES_ALIAS).addSelect(KEY_SUBSCRIPTIONS_SQL, SUBSCRIPTIONS_ALIAS);
}

/** Runs a query built with withRelations and fills each key's scopes and subscriptionIds. */
export async function keysWithRelations(query: SelectQueryBuilder<ApiKey>): Promise<{ keys: ApiKey[]; raw: Array<Record<string, unknown>> }> {
  const { entities, raw } = await withRelations(query).getRawAndEntities();
  const rows = new Map<string, Record<string, unknown>>(entities.map((key, index) => [key.id, raw[index]]));
  for (const key of entities) {
    const row = rows.get(key.id);
    key.scopes = (row?.[SCOPES_ALIAS] as string[] | undefined) ?? [];
    key.subscriptionIds = (row?.[SUBSCRIPTIONS_ALIAS] as string[] | undefined) ?? [];
  }
  return { keys: entities, raw: entities.map((key) => rows.get(key.id)!) };
}
