import type { AuthCheckerFn } from "type-graphql";
import { MUTATION_ACTIONS } from "../audit/mutation-actions";
import { PrincipalKind, type Principal } from "../principals/principal";
import { forbidden, unauthenticated } from "../common/errors";
import { isUuid } from "../common/ids";
import { RESERVED_CATALOG, KeysScope, PLATFORM_MANAGE } from "../core/reserved-scopes";
import { evaluateScopes } from "../core/scope-evaluator";
import { callerOf, type RequestContext } from "../principals/request-context";

/** Whether the principal may perform an operation requiring all of `scopes` (DESIGN.md, Management API). */
export function mayPerform(principal: Principal, scopes: readonly string[]): boolean {
  if (principal.kind === PrincipalKind.ROOT) return true;
  if (scopes.includes(PLATFORM_MANAGE)) return false;
  if (principal.tenantSuspended && !(scopes.length === 1 && scopes[0] === KeysScope.VERIFY)) return false;
  return evaluateScopes(RESERVED_CATALOG, principal.grants, scopes, "ALL").allowed;
}

function targetIdOf(args: Record<string, unknown>): string | null {
  const input = args.input as { id?: unknown } | undefined;
  return typeof input?.id === "string" && isUuid(input.id) ? input.id.toLowerCase() : null;
}

/**
 * `@Authorized("keys:create")` lists the scopes an operation requires (all of them). A refused
 * mutation is recorded as one DENIED audit event, in a transaction of its own.
 */
export const authChecker: AuthCheckerFn<RequestContext, string> = async ({ context, info, args }, scopes) => {
  const { principal } = context;
  if (!principal) throw unauthenticated();
  if (mayPerform(principal, scopes)) return true;
  const mutation = info.parentType.name === "Mutation" ? MUTATION_ACTIONS[info.fieldName] : undefined;
  if (mutation) {
    await context.audit.recordDenied(callerOf(context), {
      tenantId: principal.tenantId,
      action: mutation.action,
      targetType: mutation.targetType,
      targetId: targetIdOf(args),
      changes: { requiredScopes: { before: null, after: scopes } },
    });
  }
  const reason = principal.tenantSuspended ? "the tenant is suspended" : `requires ${scopes.join(" and ") || "a principal"}`;
  throw forbidden(`Not allowed: ${reason}`);
};
