import { Arg, Authorized, Ctx, ID, Query, Resolver } from "type-graphql";
import { KeysScope } from "../core/reserved-scopes";
import { type RequestContext, callerOf } from "../principals/request-context";
import { actingTenantId, tenantIdForObject } from "../principals/tenant-access";
import type { KeyQueries } from "../keys/key-queries.service";
import type { UsageService } from "./usage.service";
import { UsageBucket, UsageGranularity } from "./usage.types";

@Resolver()
export class UsageResolver {
  constructor(
    private readonly usage: UsageService,
    private readonly keys: KeyQueries,
  ) {}

  @Authorized(KeysScope.LIST)
  @Query(() => [UsageBucket], { description: "A key's checks per hour or day, by code (within 10 s of the checks; kept USAGE_RETENTION_DAYS)." })
  async keyUsage(
    @Ctx() context: RequestContext,
    @Arg("keyId", () => ID) keyId: string,
    @Arg("since") since: Date,
    @Arg("until") until: Date,
    @Arg("granularity", () => UsageGranularity, { defaultValue: UsageGranularity.HOUR }) granularity: UsageGranularity,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
  ): Promise<UsageBucket[]> {
    const owner = await tenantIdForObject(callerOf(context).principal, tenantId, () => this.keys.tenantIdOf(keyId));
    return this.usage.keyUsage(owner, keyId, { since, until, granularity });
  }

  @Authorized(KeysScope.LIST)
  @Query(() => [UsageBucket], { description: "The checks of all the tenant's keys per hour or day, by code." })
  tenantUsage(
    @Ctx() context: RequestContext,
    @Arg("since") since: Date,
    @Arg("until") until: Date,
    @Arg("granularity", () => UsageGranularity, { defaultValue: UsageGranularity.HOUR }) granularity: UsageGranularity,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
  ): Promise<UsageBucket[]> {
    return this.usage.tenantUsage(actingTenantId(callerOf(context).principal, tenantId), { since, until, granularity });
  }
}
