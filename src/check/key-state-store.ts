import type { DataSource } from "typeorm";
import { BoundedCache } from "../common/bounded-cache";
import type { SubscriptionStatus } from "../subscriptions/subscription.entity";
import type { TenantStatus } from "../tenants/tenant.entity";
import type { InvalidationBus } from "../db/invalidation-bus";
import { type KeyState, type KeyStateRow, keyStateQuery, toKeyState } from "./key-state";

export interface StateCacheOptions {
  /** Fallback bound on staleness should an invalidation ever be missed. */
  ttlMs: number;
  maxKeys: number;
}

const NO_SUBSCRIPTIONS: ReadonlyMap<string, SubscriptionStatus> = new Map();

export const DEFAULT_STATE_CACHE: StateCacheOptions = { ttlMs: 30_000, maxKeys: 100_000 };

export interface StateStoreCounters {
  keyLoads: number;
  tenantLoads: number;
  subscriptionLoads: number;
}

/**
 * Key, tenant and subscription state, cached by id and invalidated by the bus. A fill that raced
 * an invalidation (the epoch moved while it read) is returned once and never cached, so a lookup
 * that started before a revocation cannot put the revoked key back. While the bus is unhealthy,
 * invalidations may be lost: the caches are flushed and bypassed until it recovers.
 */
export class KeyStateStore {
  private readonly keys: BoundedCache<string, KeyState>;
  private readonly tenants: BoundedCache<string, TenantStatus>;
  private readonly subscriptions: BoundedCache<string, SubscriptionStatus>;
  private epoch = 0;
  readonly counters: StateStoreCounters = { keyLoads: 0, tenantLoads: 0, subscriptionLoads: 0 };

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: InvalidationBus,
    options: StateCacheOptions = DEFAULT_STATE_CACHE,
  ) {
    this.keys = new BoundedCache(options.maxKeys, options.ttlMs);
    this.tenants = new BoundedCache(10_000, options.ttlMs);
    this.subscriptions = new BoundedCache(100_000, options.ttlMs);
    bus.onInvalidation((invalidation) => {
      this.epoch++;
      if (invalidation.kind === "key") this.keys.delete(invalidation.keyId);
      else if (invalidation.kind === "tenant") this.tenants.delete(invalidation.tenantId);
      else if (invalidation.kind === "subscription") this.subscriptions.delete(invalidation.subscriptionId);
    });
    bus.onHealthChange(() => this.flush());
  }

  private get caching(): boolean {
    return this.bus.healthy;
  }

  flush(): void {
    this.epoch++;
    this.keys.clear();
    this.tenants.clear();
    this.subscriptions.clear();
  }

  /** The cold path: a presented key's state by its public lookup id. */
  async keyByLookupId(lookupId: string): Promise<KeyState | undefined> {
    return this.loadKey("lookup_id", lookupId);
  }

  /** The warm path: state of a key already verified, by id. */
  async keyById(keyId: string): Promise<KeyState | undefined> {
    if (this.caching) {
      const cached = this.keys.get(keyId);
      if (cached) return cached;
    }
    return this.loadKey("id", keyId);
  }

  async tenantStatus(tenantId: string): Promise<TenantStatus | undefined> {
    const cached = this.caching ? this.tenants.get(tenantId) : undefined;
    if (cached) return cached;
    const epoch = this.epoch;
    this.counters.tenantLoads++;
    const rows: Array<{ status: TenantStatus }> = await this.dataSource.query("SELECT status FROM tenants WHERE id = $1", [tenantId]);
    const status = rows[0]?.status;
    if (status && this.caching && epoch === this.epoch) this.tenants.set(tenantId, status);
    return status;
  }

  async subscriptionStatuses(subscriptionIds: readonly string[]): Promise<ReadonlyMap<string, SubscriptionStatus>> {
    if (subscriptionIds.length === 0) return NO_SUBSCRIPTIONS;
    const statuses = new Map<string, SubscriptionStatus>();
    const missing: string[] = [];
    for (const id of subscriptionIds) {
      const cached = this.caching ? this.subscriptions.get(id) : undefined;
      if (cached) statuses.set(id, cached);
      else missing.push(id);
    }
    if (missing.length === 0) return statuses;
    const epoch = this.epoch;
    this.counters.subscriptionLoads++;
    const rows: Array<{ id: string; status: SubscriptionStatus }> = await this.dataSource.query(
      "SELECT id::text AS id, status FROM subscriptions WHERE id = ANY($1::uuid[])",
      [missing],
    );
    for (const row of rows) {
      statuses.set(row.id, row.status);
      if (this.caching && epoch === this.epoch) this.subscriptions.set(row.id, row.status);
    }
    return statuses;
  }

  private async loadKey(by: "lookup_id" | "id", value: string): Promise<KeyState | undefined> {
    const epoch = this.epoch;
    this.counters.keyLoads++;
    const rows: KeyStateRow[] = await this.dataSource.query(keyStateQuery(by), [value]);
    if (rows.length === 0) return undefined;
    const state = toKeyState(rows[0]);
    if (this.caching && epoch === this.epoch) this.keys.set(state.id, state);
    return state;
  }
}
