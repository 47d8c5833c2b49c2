import type { DataSource } from "typeorm";
import { GuardedCache } from "../common/guarded-cache";
import { notFound } from "../common/errors";
import { type InvalidationBus, keepCoherent } from "../db/invalidation-bus";
import type { KeyPolicies, KeyPolicy } from "../keys/key-policy";
import { Tenant } from "./tenant.entity";

/**
 * Tenants as key operations read them (policy, key prefix), cached until the tenant changes on
 * any instance, so listing and creating keys cost no extra round trip.
 */
export class TenantPolicies implements KeyPolicies {
  private readonly tenants = new GuardedCache<string, Tenant>({ maxEntries: 10_000 });

  constructor(
    private readonly dataSource: DataSource,
    bus: InvalidationBus,
  ) {
    keepCoherent(bus, this.tenants, (invalidation) => (invalidation.kind === "tenant" ? invalidation.tenantId : undefined));
  }

  /** The tenant's key policy, or NOT_FOUND. */
  async get(tenantId: string): Promise<KeyPolicy> {
    const tenant = await this.tenants.getOrLoad(tenantId, async () => (await this.dataSource.getRepository(Tenant).findOneBy({ id: tenantId })) ?? undefined);
    if (!tenant) throw notFound("Tenant");
    return tenant;
  }
}
