import type { DataSource, SelectQueryBuilder } from "typeorm";
import type { InvalidationBus } from "../db/invalidation-bus";
import { BoundedCache } from "../common/bounded-cache";
import { notFound } from "../common/errors";
import { requireUuid } from "../common/ids";
import { pageSize, toPage } from "../common/pagination";
import type { TenantPolicies } from "../tenants/tenant-policies";
import { ApiKey } from "./api-key.entity";
import { type ApiKeyFilter, type ApiKeyOrder, ApiKeyOrderField, ApiKeyStatusFilter, type ApiKeyStats, OrderDirection } from "./api-key.inputs";
import { SORT_VALUE_ALIAS, STATUS_SQL, applyOrderAndCursor, applySearch, cursorOf, statusClock } from "./key-list-query";

export interface KeyPage {
  nodes: ApiKey[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  count: () => Promise<number>;
}

/**
 * Dashboards poll the counts, and at a million keys one count is a scan of the tenant's keys: a
 * change to the tenant's keys drops them at once (on every instance); only transitions that time
 * alone makes (a key reaching its expiry) wait for this long.
 */
export const STATS_TTL_MS = 30_000;

/** What key pages read: one key, a filtered and sorted page, and the counts by status. */
export class KeyQueries {
  /** apiKeyStats per tenant, dropped on every change to the tenant's keys or policy, on every instance. */
  private readonly statsCache = new BoundedCache<string, ApiKeyStats>(10_000, STATS_TTL_MS);
  private statsEpoch = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantPolicies,
    bus: InvalidationBus,
  ) {
    bus.onInvalidation((invalidation) => {
      if (invalidation.kind !== "key" && invalidation.kind !== "tenant") return;
      this.statsEpoch++;
      this.statsCache.delete(invalidation.tenantId);
    });
    bus.onHealthChange(() => {
      this.statsEpoch++;
      this.statsCache.clear();
    });
  }

  /** The tenant a key belongs to, for root acting by id; NOT_FOUND when there is none. */
  async tenantIdOf(id: string): Promise<string> {
    const key = await this.dataSource.getRepository(ApiKey).findOne({ select: { tenantId: true }, where: { id: requireUuid(id, "id") } });
    if (!key) throw notFound("API key");
    return key.tenantId;
  }

  async get(tenantId: string, id: string): Promise<ApiKey> {
    const query = this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder("k")
      .where("k.tenant_id = :tenantId AND k.id = :id", { tenantId, id: requireUuid(id, "id") });
    const { entities, raw } = await withRelations(query).getRawAndEntities();
    if (entities.length === 0) throw notFound("API key");
    return readRelations(entities[0], raw[0]);
  }

  async list(
    tenantId: string,
    filter: ApiKeyFilter | undefined,
    order: ApiKeyOrder | undefined,
    first?: number | null,
    after?: string | null,
  ): Promise<KeyPage> {
    const size = pageSize(first);
    const tenant = await this.tenants.get(tenantId);
    const clock = statusClock(tenant.expiringSoonDays);
    const filtered = () => {
      const query = this.dataSource.getRepository(ApiKey).createQueryBuilder("k").where("k.tenant_id = :tenantId", { tenantId });
      const status = filter?.status ?? ApiKeyStatusFilter.ALL;
      if (status !== ApiKeyStatusFilter.ALL) query.andWhere(STATUS_SQL[status], clock);
      if (filter?.search) applySearch(query, filter.search);
      if (filter?.externalId) query.andWhere("k.external_id = :externalId", { externalId: filter.externalId });
      if (filter?.createdBy) query.andWhere("k.created_by = :createdBy", { createdBy: filter.createdBy });
      if (filter?.subscriptionId) {
        query.andWhere(
          "EXISTS (SELECT 1 FROM api_key_subscriptions b WHERE b.tenant_id = k.tenant_id AND b.api_key_id = k.id AND b.subscription_id = :subscriptionId)",
          { subscriptionId: requireUuid(filter.subscriptionId, "filter.subscriptionId") },
        );
      }
      return query;
    };
    const query = filtered();
    const field = order?.field ?? ApiKeyOrderField.CREATED_AT;
    const direction = order?.direction ?? OrderDirection.DESC;
    applyOrderAndCursor(query, field, direction, after);
    withRelations(query);
    const { entities, raw } = await query.limit(size + 1).getRawAndEntities();
    const rows = new Map(entities.map((key, index) => [key.id, raw[index]]));
    for (const key of entities) readRelations(key, rows.get(key.id));
    const page = toPage(entities, size, (key) => cursorOf(field, direction, rows.get(key.id)?.[SORT_VALUE_ALIAS], key.id));
    return { ...page, count: () => filtered().getCount() };
  }

  /** One pass over the tenant's keys, each status derived with the same SQL as the list filters. */
  async stats(tenantId: string): Promise<ApiKeyStats> {
    const cached = this.statsCache.get(tenantId);
    if (cached) return cached;
    const epoch = this.statsEpoch;
    const tenant = await this.tenants.get(tenantId);
    const counted = (status: keyof typeof STATUS_SQL) => `count(*) FILTER (WHERE ${STATUS_SQL[status]})::int`;
    const row = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder("k")
      .select("count(*)::int", "total")
      .addSelect(counted(ApiKeyStatusFilter.ACTIVE), "active")
      .addSelect(counted(ApiKeyStatusFilter.EXPIRING_SOON), "expiringSoon")
      .addSelect(counted(ApiKeyStatusFilter.EXPIRED), "expired")
      .addSelect(counted(ApiKeyStatusFilter.DISABLED), "disabled")
      .addSelect(counted(ApiKeyStatusFilter.REVOKED), "revoked")
      .where("k.tenant_id = :tenantId", { tenantId })
      .setParameters(statusClock(tenant.expiringSoonDays))
      .getRawOne<ApiKeyStats>();
    if (!row) throw notFound("Tenant");
    if (epoch === this.statsEpoch) this.statsCache.set(tenantId, row);
    return row;
  }
}

const SCOPES_ALIAS = "relation_scopes";
const SUBSCRIPTIONS_ALIAS = "relation_subscription_ids";

/** Selects each key's grants and bindings in the same query (no extra round trip per page). */
function withRelations(query: SelectQueryBuilder<ApiKey>): SelectQueryBuilder<ApiKey> {
  return query
    .addSelect("ARRAY(SELECT g.scope FROM permission_grants g WHERE g.tenant_id = k.tenant_id AND g.api_key_id = k.id ORDER BY g.scope)", SCOPES_ALIAS)
    .addSelect(
      "ARRAY(SELECT b.subscription_id::text FROM api_key_subscriptions b WHERE b.tenant_id = k.tenant_id AND b.api_key_id = k.id ORDER BY 1)",
      SUBSCRIPTIONS_ALIAS,
    );
}

function readRelations(key: ApiKey, raw: Record<string, unknown> | undefined): ApiKey {
  key.scopes = (raw?.[SCOPES_ALIAS] as string[] | undefined) ?? [];
  key.subscriptionIds = (raw?.[SUBSCRIPTIONS_ALIAS] as string[] | undefined) ?? [];
  return key;
}
