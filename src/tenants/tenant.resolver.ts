import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { type RequestContext, callerOf } from "../principals/request-context";
import { KeysScope, PLATFORM_MANAGE } from "../core/reserved-scopes";
import { actingTenantId } from "../principals/tenant-access";
import { Tenant } from "./tenant.entity";
import { CreateTenantInput, ResumeTenantInput, SuspendTenantInput, UpdateTenantInput, UpdateTenantSettingsInput } from "./tenant.inputs";
import {
  CreateTenantPayload,
  ResumeTenantPayload,
  SuspendTenantPayload,
  TenantConnection,
  TenantSettings,
  UpdateTenantPayload,
  UpdateTenantSettingsPayload,
} from "./tenant.types";

/** Holding every keys scope (keys:*) is what a tenant needs to change its own settings. */
const EVERY_KEYS_SCOPE = Object.values(KeysScope);
import type { TenantService } from "./tenant.service";

@Resolver(() => Tenant)
export class TenantResolver {
  constructor(private readonly tenantService: TenantService) {}

  @Authorized(PLATFORM_MANAGE)
  @Query(() => TenantConnection, { description: "All tenants, newest first (root)." })
  tenants(
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", { nullable: true }) after?: string,
  ): Promise<TenantConnection> {
    return this.tenantService.list(first, after);
  }

  @Authorized(PLATFORM_MANAGE)
  @Query(() => Tenant, { description: "One tenant (root)." })
  tenant(@Arg("id", () => ID) id: string): Promise<Tenant> {
    return this.tenantService.get(id);
  }

  @Authorized(PLATFORM_MANAGE)
  @Mutation(() => CreateTenantPayload, { description: "Creates a tenant and its first admin key, returned once (root)." })
  createTenant(@Arg("input") input: CreateTenantInput, @Ctx() context: RequestContext): Promise<CreateTenantPayload> {
    return this.tenantService.create(callerOf(context), input);
  }

  @Authorized(PLATFORM_MANAGE)
  @Mutation(() => UpdateTenantPayload, { description: "Renames a tenant or changes its key prefix, policy or JWT issuer (root)." })
  async updateTenant(@Arg("input") input: UpdateTenantInput, @Ctx() context: RequestContext): Promise<UpdateTenantPayload> {
    return { tenant: await this.tenantService.update(callerOf(context), input) };
  }

  @Authorized(KeysScope.LIST)
  @Query(() => TenantSettings, { description: "The caller's tenant's own settings." })
  async tenantSettings(@Ctx() context: RequestContext): Promise<TenantSettings> {
    const tenant = await this.tenantService.get(actingTenantId(callerOf(context).principal));
    return { leakedKeyAction: tenant.leakedKeyAction };
  }

  @Authorized(...EVERY_KEYS_SCOPE)
  @Mutation(() => UpdateTenantSettingsPayload, { description: "Changes the caller's tenant's own settings (needs every keys scope; root sets any tenant's with updateTenant)." })
  async updateTenantSettings(@Arg("input") input: UpdateTenantSettingsInput, @Ctx() context: RequestContext): Promise<UpdateTenantSettingsPayload> {
    const caller = callerOf(context);
    const tenant = await this.tenantService.updateSettings(caller, actingTenantId(caller.principal), input);
    return { settings: { leakedKeyAction: tenant.leakedKeyAction } };
  }

  @Authorized(PLATFORM_MANAGE)
  @Mutation(() => SuspendTenantPayload, { description: "Its keys then answer TENANT_SUSPENDED (root)." })
  async suspendTenant(@Arg("input") input: SuspendTenantInput, @Ctx() context: RequestContext): Promise<SuspendTenantPayload> {
    return { tenant: await this.tenantService.suspend(callerOf(context), input.id) };
  }

  @Authorized(PLATFORM_MANAGE)
  @Mutation(() => ResumeTenantPayload, { description: "Reactivates a suspended tenant (root)." })
  async resumeTenant(@Arg("input") input: ResumeTenantInput, @Ctx() context: RequestContext): Promise<ResumeTenantPayload> {
    return { tenant: await this.tenantService.resume(callerOf(context), input.id) };
  }
}
