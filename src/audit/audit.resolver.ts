import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import { actingTenantId } from "../principals/tenant-access";
import { type RequestContext, callerOf } from "../principals/request-context";
import { KeysScope } from "../core/reserved-scopes";
import { AuditEvent } from "./audit-event.entity";
import { AuditEventFilter } from "./audit.inputs";
import { AuditEventConnection } from "./audit.types";
import type { AuditService } from "./audit.service";

@Resolver(() => AuditEvent)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Authorized(KeysScope.LIST)
  @Query(() => AuditEventConnection, { description: "The tenant's audit log, newest first. Root's actions in a tenant appear here too." })
  auditEvents(
    @Ctx() context: RequestContext,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
    @Arg("filter", () => AuditEventFilter, { nullable: true }) filter?: AuditEventFilter,
    @Arg("first", () => Int, { nullable: true }) first?: number,
    @Arg("after", { nullable: true }) after?: string,
  ): Promise<AuditEventConnection> {
    return this.audit.list(actingTenantId(callerOf(context).principal, tenantId), filter ?? {}, first, after);
  }
}
