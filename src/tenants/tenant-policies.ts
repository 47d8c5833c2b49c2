import type { DataSource } from "typeorm";
import type { InvalidationBus } from "../db/invalidation-bus";
import { BoundedCache } from "../common/bounded-cache";
import { notFound } from "../common/errors";
import { Tenant } from "./tenant.entity";

/**
 * Tenants as key operations read them (policy, key prefix), cached until the tenant changes on
 * any instance (or 30 s pass), so listing and creating keys cost no extra round trip.
 */
export class TenantPolicies {
  private readonly tenants = new BoundedCache<string, Tenant>(10_000, 30_000);
  private epoch = 0;

  constructor(
    private readonly dataSource: DataSource,
    bus: InvalidationBus,
  ) {
    bus.onInvalidation((invalidation) => {
      if (invalidation.kind !== "tenant") return;
      this.epoch++;
      this.tenants.delete(invalidation.tenantId);
    });
    bus.onHealthChange(() => {
      this.epoch++;
      this.tenants.clear();
    });
  }

  /** The tenant, or NOT_FOUND. */
  async get(tenantId: string): Promise<Tenant> {
    const cached = this.tenants.get(tenantId);
    if (cached) return cached;
    const epoch = this.epoch;
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ id: tenantId });
    if (!tenant) throw notFound("Tenant");
    if (epoch === this.epoch) this.tenants.set(tenantId, tenant);
    return tenant;
  }
}
