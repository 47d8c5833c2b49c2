import type { DataSource, SelectQueryBuilder } from "typeorm";
import { notFound } from "../common/errors";
import { GuardedCache } from "../common/guarded-cache";
import { requireUuid } from "../common/ids";
import { pageSize, toPage } from "../common/pagination";
import { type InvalidationBus, keepCoherent } from "../db/invalidation-bus";
import { ApiKey } from "./api-key.entity";
import { type ApiKeyFilter, type ApiKeyOrder, ApiKeyOrderField, ApiKeyStatusFilter, OrderDirection } from "./api-key.inputs";
import { type ApiKeyStats, COUNT_CAP } from "./api-key.types";
import { SORT_VALUE_ALIAS, STATUS_SQL, applyOrderAndCursor, applySearch, cursorOf, statusClock } from "./key-list-query";
import type { KeyPolicies } from "./key-policy";
import { keysWithRelations } from "./key-relations";

export interface KeyPage {
  nodes: ApiKey[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  count: () => Promise<number>;
}

/** What key pages read: one key, a filtered and sorted page, and the counts by status. */
export class KeyQueries {
  /**
   * apiKeyStats per tenant. Dashboards poll the counts, and at a million keys one count is a scan
   * of the tenant's keys: a change to the tenant's keys or policy drops them at once (on every
   * instance); only transitions that time alone makes (a key reaching its expiry) wait for the TTL.
   */
  private readonly statsCache = new GuardedCache<string, ApiKeyStats>({ maxEntries: 10_000 });

  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: KeyPolicies,
    bus: InvalidationBus,
  ) {
    keepCoherent(bus, this.statsCache, (invalidation) =>
      invalidation.kind === "key" || invalidation.kind === "tenant" ? invalidation.tenantId : undefined,
    );
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
    const { keys } = await keysWithRelations(query);
    if (keys.length === 0) throw notFound("API key");
    return keys[0];
  }

  async list(
    tenantId: string,
    filter: ApiKeyFilter | undefined,
    order: ApiKeyOrder | undefined,
    first?: number | null,
    after?: string | null,
  ): Promise<KeyPage> {
    const size = pageSize(first);
    const clock = statusClock((await this.policies.get(tenantId)).expiringSoonDays);
    const filtered = () => {
      const query = this.dataSource.getRepository(ApiKey).createQueryBuilder("k").where("k.tenant_id = :tenantId", { tenantId });
      const status = filter?.status ?? ApiKeyStatusFilter.ALL;
      if (status !== ApiKeyStatusFilter.ALL) query.andWhere(STATUS_SQL[status], clock);
      if (filter?.search) applySearch(query, filter.search);
      if (filter?.externalId) query.andWhere("k.external_id = :externalId", { externalId: filter.externalId });
      if (filter?.createdBy) query.andWhere("k.created_by = :createdBy", { createdBy: filter.createdBy });
      if (filter?.identityId) query.andWhere("k.identity_id = :identityId", { identityId: requireUuid(filter.identityId, "filter.identityId") });
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
    const { keys, raw } = await keysWithRelations(query.limit(size + 1));
    const sortValues = new Map(keys.map((key, index) => [key.id, raw[index]?.[SORT_VALUE_ALIAS]]));
    const page = toPage(keys, size, (key) => cursorOf(field, direction, sortValues.get(key.id), key.id));
    return { ...page, count: () => this.countUpTo(filtered(), COUNT_CAP) };
  }

  /** Counts the rows a query matches, stopping past `cap`: a count never scans more than that. */
  private async countUpTo(query: SelectQueryBuilder<ApiKey>, cap: number): Promise<number> {
    const [sql, parameters] = query.select("1").limit(cap + 1).getQueryAndParameters();
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM (${sql}) AS matching`, parameters);
    return count;
  }

  /** One pass over the tenant's keys, each status derived with the same SQL as the list filters. */
  async stats(tenantId: string): Promise<ApiKeyStats> {
    return (await this.statsCache.getOrLoad(tenantId, () => this.countByStatus(tenantId)))!;
  }

  private async countByStatus(tenantId: string): Promise<ApiKeyStats> {
    const policy = await this.policies.get(tenantId);
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
      .setParameters(statusClock(policy.expiringSoonDays))
      .getRawOne<ApiKeyStats>();
    if (!row) throw notFound("Tenant");
    return row;
  }
}
