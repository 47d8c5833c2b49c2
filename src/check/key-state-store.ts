import type { DataSource } from "typeorm";
import { CACHE_TTL_MS, GuardedCache } from "../common/guarded-cache";
import type { IdentityState, KeyState } from "../core/key-state";
import type { NamedLimit } from "../core/named-limits";
import type { SubscriptionFacts } from "../core/check-decision";
import { GrantSet } from "../core/scope-evaluator";
import type { SubscriptionStatus, TenantStatus } from "../core/tenancy";
import { type InvalidationBus, keepCoherent } from "../db/invalidation-bus";
import { type KeyStateRow, keyStateQuery, toKeyState } from "./key-state-query";

export interface StateCacheOptions {
  /** Fallback bound on staleness should an invalidation ever be missed. */
  ttlMs: number;
  maxKeys: number;
}

const NO_SUBSCRIPTIONS: ReadonlyMap<string, SubscriptionFacts> = new Map();

export const DEFAULT_STATE_CACHE: StateCacheOptions = { ttlMs: CACHE_TTL_MS, maxKeys: 100_000 };

export interface StateStoreCounters {
  keyLoads: number;
  tenantLoads: number;
  subscriptionLoads: number;
  identityLoads: number;
}

/**
 * Key, tenant and subscription state, cached by id and kept coherent by the invalidation bus.
 * While the bus is unhealthy invalidations may be lost: the caches are flushed and bypassed until
 * it recovers.
 */
export class KeyStateStore {
  private readonly keys: GuardedCache<string, KeyState>;
  private readonly tenants: GuardedCache<string, TenantStatus>;
  private readonly subscriptions: GuardedCache<string, SubscriptionFacts>;
  private readonly identities: GuardedCache<string, IdentityState>;
  readonly counters: StateStoreCounters = { keyLoads: 0, tenantLoads: 0, subscriptionLoads: 0, identityLoads: 0 };

  constructor(
    private readonly dataSource: DataSource,
    bus: InvalidationBus,
    options: StateCacheOptions = DEFAULT_STATE_CACHE,
  ) {
    const enabled = () => bus.healthy;
    this.keys = new GuardedCache({ maxEntries: options.maxKeys, ttlMs: options.ttlMs, enabled });
    this.tenants = new GuardedCache({ maxEntries: 10_000, ttlMs: options.ttlMs, enabled });
    this.subscriptions = new GuardedCache({ maxEntries: 100_000, ttlMs: options.ttlMs, enabled });
    this.identities = new GuardedCache({ maxEntries: options.maxKeys, ttlMs: options.ttlMs, enabled });
    keepCoherent(bus, this.keys, (invalidation) => (invalidation.kind === "key" ? invalidation.keyId : undefined));
    keepCoherent(bus, this.tenants, (invalidation) => (invalidation.kind === "tenant" ? invalidation.tenantId : undefined));
    keepCoherent(bus, this.subscriptions, (invalidation) => (invalidation.kind === "subscription" ? invalidation.subscriptionId : undefined));
    keepCoherent(bus, this.identities, (invalidation) => (invalidation.kind === "identity" ? invalidation.identityId : undefined));
  }

  /** Drops every cached state (tests use it to start cold). */
  flush(): void {
    this.keys.clear();
    this.tenants.clear();
    this.subscriptions.clear();
    this.identities.clear();
  }

  /** The cold path: a presented key's state by its public lookup id. */
  async keyByLookupId(lookupId: string): Promise<KeyState | undefined> {
    return this.loadKey("lookup_id", lookupId);
  }

  /** The warm path: state of a key already verified, by id. */
  async keyById(keyId: string): Promise<KeyState | undefined> {
    return this.keys.get(keyId) ?? this.loadKey("id", keyId);
  }

  async tenantStatus(tenantId: string): Promise<TenantStatus | undefined> {
    return this.tenants.getOrLoad(tenantId, async () => {
      this.counters.tenantLoads++;
      const rows: Array<{ status: TenantStatus }> = await this.dataSource.query("SELECT status FROM tenants WHERE id = $1", [tenantId]);
      return rows[0]?.status;
    });
  }

  /** The identity that owns a key (its own tenant's: the foreign key includes the tenant). */
  async identity(identityId: string): Promise<IdentityState | undefined> {
    return this.identities.getOrLoad(identityId, async () => {
      this.counters.identityLoads++;
      const rows: Array<{ id: string; tenant_id: string; external_id: string; name: string | null; metadata: Record<string, unknown> | null; rate_limits: NamedLimit[] }> =
        await this.dataSource.query("SELECT id, tenant_id, external_id, name, metadata, rate_limits FROM identities WHERE id = $1", [identityId]);
      const row = rows[0];
      return row && { id: row.id, tenantId: row.tenant_id, externalId: row.external_id, name: row.name, metadata: row.metadata, rateLimits: row.rate_limits };
    });
  }

  /** Status and scope ceiling of each subscription a key is bound to. */
  async subscriptionFacts(subscriptionIds: readonly string[]): Promise<ReadonlyMap<string, SubscriptionFacts>> {
    if (subscriptionIds.length === 0) return NO_SUBSCRIPTIONS;
    const facts = new Map<string, SubscriptionFacts>();
    const missing: string[] = [];
    for (const id of subscriptionIds) {
      const cached = this.subscriptions.get(id);
      if (cached) facts.set(id, cached);
      else missing.push(id);
    }
    if (missing.length === 0) return facts;
    const store = this.subscriptions.beginFill();
    this.counters.subscriptionLoads++;
    const rows: Array<{ id: string; status: SubscriptionStatus; scope_ceiling: string[] }> = await this.dataSource.query(
      "SELECT id::text AS id, status, scope_ceiling FROM subscriptions WHERE id = ANY($1::uuid[])",
      [missing],
    );
    for (const row of rows) {
      const fact: SubscriptionFacts = { status: row.status, ceiling: row.scope_ceiling.length > 0 ? GrantSet.of(row.scope_ceiling) : null };
      facts.set(row.id, fact);
      store(row.id, fact);
    }
    return facts;
  }

  private async loadKey(by: "lookup_id" | "id", value: string): Promise<KeyState | undefined> {
    const store = this.keys.beginFill();
    this.counters.keyLoads++;
    const rows: KeyStateRow[] = await this.dataSource.query(keyStateQuery(by), [value]);
    if (rows.length === 0) return undefined;
    const state = toKeyState(rows[0]);
    store(state.id, state);
    return state;
  }
}
