import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { actingTenantId, tenantIdForObject } from "../principals/tenant-access";
import { type RequestContext, callerOf } from "../principals/request-context";
import { KeysScope } from "../core/reserved-scopes";
import { ApiKey } from "./api-key.entity";
import {
  ApiKeyFilter,
  ApiKeyOrder,
  CreateApiKeyInput,
  DisableApiKeyInput,
  EnableApiKeyInput,
  type KeyByIdInput,
  RegenerateApiKeyInput,
  RevokeApiKeyInput,
  UpdateApiKeyInput,
} from "./api-key.inputs";
import {
  ApiKeyConnection,
  ApiKeyStats,
  CreateApiKeyPayload,
  DisableApiKeyPayload,
  EnableApiKeyPayload,
  RegenerateApiKeyPayload,
  RevokeApiKeyPayload,
  UpdateApiKeyPayload,
} from "./api-key.types";
import type { KeyQueries } from "./key-queries.service";
import type { KeysService } from "./keys.service";

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  constructor(
    private readonly keys: KeysService,
    private readonly queries: KeyQueries,
  ) {}

  private ownerOf(context: RequestContext, input: KeyByIdInput): Promise<string> {
    return tenantIdForObject(callerOf(context).principal, input.tenantId, () => this.queries.tenantIdOf(input.id));
  }

  @Authorized(KeysScope.LIST)
  @Query(() => ApiKey, { description: "One key of the tenant." })
  async apiKey(
    @Ctx() context: RequestContext,
    @Arg("id", () => ID) id: string,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
  ): Promise<ApiKey> {
    return this.queries.get(await this.ownerOf(context, { id, tenantId }), id);
  }

  @Authorized(KeysScope.LIST)
  @Query(() => ApiKeyConnection, { description: "The tenant's keys: filter, search, sort (default CREATED_AT DESC), page with first/after." })
  async apiKeys(
    @Ctx() context: RequestContext,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
    @Arg("filter", () => ApiKeyFilter, { nullable: true }) filter?: ApiKeyFilter,
    @Arg("orderBy", () => ApiKeyOrder, { nullable: true }) orderBy?: ApiKeyOrder,
    @Arg("first", () => Int, { nullable: true, description: "At most 100; default 20." }) first?: number,
    @Arg("after", { nullable: true }) after?: string,
  ): Promise<ApiKeyConnection> {
    const page = await this.queries.list(actingTenantId(callerOf(context).principal, tenantId), filter, orderBy, first, after);
    return Object.assign(new ApiKeyConnection(), page);
  }

  @Authorized(KeysScope.LIST)
  @Query(() => ApiKeyStats, { description: "Counts by status, for dashboards." })
  apiKeyStats(@Ctx() context: RequestContext, @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string): Promise<ApiKeyStats> {
    return this.queries.stats(actingTenantId(callerOf(context).principal, tenantId));
  }

  @Authorized(KeysScope.CREATE)
  @Mutation(() => CreateApiKeyPayload, { description: "Creates a key. Its secret is in this payload and nowhere else, ever." })
  createApiKey(@Arg("input") input: CreateApiKeyInput, @Ctx() context: RequestContext): Promise<CreateApiKeyPayload> {
    const caller = callerOf(context);
    return this.keys.create(actingTenantId(caller.principal, input.tenantId), caller, input);
  }

  @Authorized(KeysScope.UPDATE)
  @Mutation(() => UpdateApiKeyPayload, { description: "Edits a key's settings; never its secret, creator or creation time." })
  async updateApiKey(@Arg("input") input: UpdateApiKeyInput, @Ctx() context: RequestContext): Promise<UpdateApiKeyPayload> {
    return { apiKey: await this.keys.update(await this.ownerOf(context, input), callerOf(context), input) };
  }

  @Authorized(KeysScope.UPDATE)
  @Mutation(() => EnableApiKeyPayload)
  async enableApiKey(@Arg("input") input: EnableApiKeyInput, @Ctx() context: RequestContext): Promise<EnableApiKeyPayload> {
    return { apiKey: await this.keys.enable(await this.ownerOf(context, input), callerOf(context), input.id) };
  }

  @Authorized(KeysScope.UPDATE)
  @Mutation(() => DisableApiKeyPayload, { description: "A disabled key fails checks until it is enabled again." })
  async disableApiKey(@Arg("input") input: DisableApiKeyInput, @Ctx() context: RequestContext): Promise<DisableApiKeyPayload> {
    return { apiKey: await this.keys.disable(await this.ownerOf(context, input), callerOf(context), input.id) };
  }

  @Authorized(KeysScope.REVOKE)
  @Mutation(() => RevokeApiKeyPayload, { description: "Permanent. Every instance answers REVOKED within a second." })
  async revokeApiKey(@Arg("input") input: RevokeApiKeyInput, @Ctx() context: RequestContext): Promise<RevokeApiKeyPayload> {
    return { apiKey: await this.keys.revoke(await this.ownerOf(context, input), callerOf(context), input.id, input.reason) };
  }

  @Authorized([KeysScope.CREATE, KeysScope.REVOKE])
  @Mutation(() => RegenerateApiKeyPayload, { description: "A new key with the same settings; the old one is revoked after the grace period." })
  async regenerateApiKey(@Arg("input") input: RegenerateApiKeyInput, @Ctx() context: RequestContext): Promise<RegenerateApiKeyPayload> {
    return this.keys.regenerate(await this.ownerOf(context, input), callerOf(context), input.id, input.gracePeriodSeconds);
  }
}
