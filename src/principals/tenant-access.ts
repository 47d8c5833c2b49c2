import { forbidden, notFound } from "../common/errors";
import { requireUuid } from "../common/ids";
import { PLATFORM_MANAGE } from "../core/reserved-scopes";
import { PLATFORM_TENANT_ID } from "../core/tenancy";
import { type Principal, PrincipalKind } from "./principal";

/**
 * The tenant an operation acts in. A tenant principal acts in its own (naming another is
 * NOT_FOUND: it cannot see it); root acts in the tenant it names, by default its own (platform).
 * The platform tenant is root's: its keys and platform-wide namespaces are root's alone, so a
 * principal of it that is not root may act in no tenant.
 */
export function actingTenantId(principal: Principal, requested?: string | null): string {
  const tenantId = requested === undefined || requested === null ? undefined : requireUuid(requested, "tenantId");
  if (principal.kind === PrincipalKind.ROOT) return tenantId ?? principal.tenantId;
  if (principal.tenantId === PLATFORM_TENANT_ID) {
    throw forbidden("Not allowed: the platform tenant is managed by root only", { requiredScopes: [PLATFORM_MANAGE], targetId: null });
  }
  if (tenantId !== undefined && tenantId !== principal.tenantId) throw notFound("Tenant");
  return principal.tenantId;
}

/** For an operation on an object by id: root finds any tenant's object; others act in their own tenant. */
export async function tenantIdForObject(
  principal: Principal,
  requested: string | null | undefined,
  tenantIdOf: () => Promise<string>,
): Promise<string> {
  if (principal.kind === PrincipalKind.ROOT && (requested === undefined || requested === null)) return tenantIdOf();
  return actingTenantId(principal, requested);
}
