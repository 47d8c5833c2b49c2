import type { AuthCheckerFn } from "type-graphql";
import { forbidden, unauthenticated } from "../common/errors";
import { isUuid } from "../common/ids";
import { KeysScope, PLATFORM_MANAGE, RESERVED_CATALOG } from "../core/reserved-scopes";
import { CheckMode, evaluateScopes } from "../core/scope-evaluator";
import { type Principal, PrincipalKind } from "../principals/principal";
import type { RequestContext } from "../principals/request-context";

/** Whether the principal may perform an operation requiring all of `scopes`. */
export function mayPerform(principal: Principal, scopes: readonly string[]): boolean {
  if (principal.kind === PrincipalKind.ROOT) return true;
  if (scopes.includes(PLATFORM_MANAGE)) return false;
  if (principal.tenantSuspended && !(scopes.length === 1 && scopes[0] === KeysScope.VERIFY)) return false;
  return evaluateScopes(RESERVED_CATALOG, principal.grants, scopes, CheckMode.ALL).allowed;
}

function targetIdOf(args: Record<string, unknown>): string | null {
  const input = args.input as { id?: unknown } | undefined;
  return typeof input?.id === "string" && isUuid(input.id) ? input.id.toLowerCase() : null;
}

/**
 * `@Authorized("keys:create")` lists the scopes an operation requires (all of them). It only
 * answers: a refusal carries what was required, and the denied-audit plugin records it.
 */
export const authChecker: AuthCheckerFn<RequestContext, string> = ({ context, args }, scopes) => {
  const { principal } = context;
  if (!principal) throw unauthenticated();
  if (mayPerform(principal, scopes)) return true;
  const reason = principal.tenantSuspended ? "the tenant is suspended" : `requires ${scopes.join(" and ") || "a principal"}`;
  throw forbidden(`Not allowed: ${reason}`, { requiredScopes: scopes, targetId: targetIdOf(args) });
};
