import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { actingTenantId, tenantIdForObject } from "../principals/tenant-access";
import { type RequestContext, callerOf } from "../principals/request-context";
import { KeysScope, PLATFORM_MANAGE } from "../core/reserved-scopes";
import { SubscriptionStatus } from "../core/tenancy";
import { Subscription } from "./subscription.entity";
import { CreateSubscriptionInput, SetSubscriptionStatusInput, UpdateSubscriptionInput } from "./subscription.inputs";
import { CreateSubscriptionPayload, SetSubscriptionStatusPayload, SubscriptionConnection, UpdateSubscriptionPayload } from "./subscription.types";
import type { SubscriptionService } from "./subscription.service";

@Resolver(() => Subscription)
export class SubscriptionResolver {
  constructor(private readonly subscriptionService: SubscriptionService) {}

  @Authorized(KeysScope.LIST)
  @Query(() => SubscriptionConnection, { description: "The tenant's subscriptions, newest first." })
  subscriptions(
    @Ctx() context: RequestContext,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
    @Arg("status", () => SubscriptionStatus, { nullable: true }) status?: SubscriptionStatus,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", { nullable: true }) after?: string,
  ): Promise<SubscriptionConnection> {
    return this.subscriptionService.list(actingTenantId(callerOf(context).principal, tenantId), status, first, after);
  }

  @Authorized(KeysScope.LIST)
  @Query(() => Subscription, { description: "One subscription of the tenant." })
  async subscription(
    @Ctx() context: RequestContext,
    @Arg("id", () => ID) id: string,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
  ): Promise<Subscription> {
    const { principal } = callerOf(context);
    const owner = await tenantIdForObject(principal, tenantId, () => this.subscriptionService.tenantIdOf(id));
    return this.subscriptionService.get(owner, id);
  }

  @Authorized(PLATFORM_MANAGE)
  @Mutation(() => CreateSubscriptionPayload, { description: "Subscribes a tenant to a plan (root; name the tenant)." })
  async createSubscription(
    @Arg("input") input: CreateSubscriptionInput,
    @Ctx() context: RequestContext,
  ): Promise<CreateSubscriptionPayload> {
    const caller = callerOf(context);
    const tenantId = actingTenantId(caller.principal, input.tenantId);
    return { subscription: await this.subscriptionService.create(tenantId, caller, input) };
  }

  @Authorized(PLATFORM_MANAGE)
  @Mutation(() => UpdateSubscriptionPayload, { description: "Renames, re-plans or changes the scope ceiling (root)." })
  async updateSubscription(
    @Arg("input") input: UpdateSubscriptionInput,
    @Ctx() context: RequestContext,
  ): Promise<UpdateSubscriptionPayload> {
    const caller = callerOf(context);
    const tenantId = await this.subscriptionService.tenantIdOf(input.id);
    return { subscription: await this.subscriptionService.update(tenantId, caller, input) };
  }

  @Authorized(PLATFORM_MANAGE)
  @Mutation(() => SetSubscriptionStatusPayload, { description: "ACTIVE, SUSPENDED or CANCELLED (final) (root)." })
  async setSubscriptionStatus(
    @Arg("input") input: SetSubscriptionStatusInput,
    @Ctx() context: RequestContext,
  ): Promise<SetSubscriptionStatusPayload> {
    const caller = callerOf(context);
    const tenantId = await this.subscriptionService.tenantIdOf(input.id);
    return { subscription: await this.subscriptionService.setStatus(tenantId, caller, input.id, input.status) };
  }
}
