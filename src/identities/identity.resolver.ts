import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { KeysScope } from "../core/reserved-scopes";
import { type RequestContext, callerOf } from "../principals/request-context";
import { actingTenantId, tenantIdForObject } from "../principals/tenant-access";
import type { IdentitiesService } from "./identities.service";
import { Identity } from "./identity.entity";
import { CreateIdentityInput, DeleteIdentityInput, IdentityFilter, UpdateIdentityInput } from "./identity.inputs";
import { CreateIdentityPayload, DeleteIdentityPayload, IdentityConnection, UpdateIdentityPayload } from "./identity.types";

@Resolver(() => Identity)
export class IdentityResolver {
  constructor(private readonly service: IdentitiesService) {}

  private ownerOf(context: RequestContext, input: { id: string; tenantId?: string | null }): Promise<string> {
    return tenantIdForObject(callerOf(context).principal, input.tenantId ?? undefined, () => this.service.tenantIdOf(input.id));
  }

  @Authorized(KeysScope.LIST)
  @Query(() => IdentityConnection, { description: "The tenant's identities, newest first." })
  async identities(
    @Ctx() context: RequestContext,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
    @Arg("filter", () => IdentityFilter, { nullable: true }) filter?: IdentityFilter,
    @Arg("first", () => Int, { nullable: true, description: "At most 100; default 20." }) first?: number,
    @Arg("after", { nullable: true }) after?: string,
  ): Promise<IdentityConnection> {
    return this.service.list(actingTenantId(callerOf(context).principal, tenantId), filter, first, after);
  }

  @Authorized(KeysScope.LIST)
  @Query(() => Identity, { description: "One identity of the tenant." })
  async identity(
    @Ctx() context: RequestContext,
    @Arg("id", () => ID) id: string,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
  ): Promise<Identity> {
    return this.service.get(await this.ownerOf(context, { id, tenantId }), id);
  }

  @Authorized(KeysScope.UPDATE)
  @Mutation(() => CreateIdentityPayload, { description: "A customer or user of yours that owns keys (externalId unique in the tenant)." })
  async createIdentity(@Arg("input") input: CreateIdentityInput, @Ctx() context: RequestContext): Promise<CreateIdentityPayload> {
    const caller = callerOf(context);
    return { identity: await this.service.create(actingTenantId(caller.principal, input.tenantId), caller, input) };
  }

  @Authorized(KeysScope.UPDATE)
  @Mutation(() => UpdateIdentityPayload, { description: "Its limits change for all its keys on every instance within a second." })
  async updateIdentity(@Arg("input") input: UpdateIdentityInput, @Ctx() context: RequestContext): Promise<UpdateIdentityPayload> {
    return { identity: await this.service.update(await this.ownerOf(context, input), callerOf(context), input) };
  }

  @Authorized(KeysScope.UPDATE)
  @Mutation(() => DeleteIdentityPayload, { description: "Refused (CONFLICT) while keys refer to the identity." })
  async deleteIdentity(@Arg("input") input: DeleteIdentityInput, @Ctx() context: RequestContext): Promise<DeleteIdentityPayload> {
    return { deletedId: await this.service.delete(await this.ownerOf(context, input), callerOf(context), input.id) };
  }
}
