import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { actingTenantId } from "../principals/tenant-access";
import { type RequestContext, callerOf } from "../principals/request-context";
import { DefineNamespaceInput } from "./catalog.inputs";
import { DefineNamespacePayload } from "./catalog.types";
import type { CatalogService } from "./catalog.service";
import { KeysScope } from "../core/reserved-scopes";
import { ScopeNamespace } from "./scope-namespace.entity";

@Resolver(() => ScopeNamespace)
export class CatalogResolver {
  constructor(private readonly catalog: CatalogService) {}

  @Authorized(KeysScope.LIST)
  @Query(() => [ScopeNamespace], { description: "The namespaces a tenant's keys can be granted: the platform's and its own." })
  scopeCatalog(@Ctx() context: RequestContext, @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string): Promise<ScopeNamespace[]> {
    return this.catalog.list(actingTenantId(callerOf(context).principal, tenantId));
  }

  @Authorized(KeysScope.DEFINE)
  @Mutation(() => DefineNamespacePayload, { description: "Defines (or redefines) a namespace of the tenant's API; root without tenantId: platform-wide." })
  async defineNamespace(@Arg("input") input: DefineNamespaceInput, @Ctx() context: RequestContext): Promise<DefineNamespacePayload> {
    const caller = callerOf(context);
    const tenantId = actingTenantId(caller.principal, input.tenantId);
    return { namespace: await this.catalog.define(tenantId, caller, input) };
  }
}
