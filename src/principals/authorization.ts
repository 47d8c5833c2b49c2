import { KeysScope, PLATFORM_MANAGE, RESERVED_CATALOG } from "../core/reserved-scopes";
import { CheckMode, evaluateScopes } from "../core/scope-evaluator";
import { type Principal, PrincipalKind } from "./principal";

/**
 * Whether the principal may perform an operation requiring all of `scopes`: root may do anything;
 * `platform:manage` is root's; a suspended tenant's principals may only verify keys.
 */
export function mayPerform(principal: Principal, scopes: readonly string[]): boolean {
  if (principal.kind === PrincipalKind.ROOT) return true;
  if (scopes.includes(PLATFORM_MANAGE)) return false;
  if (principal.tenantSuspended && !(scopes.length === 1 && scopes[0] === KeysScope.VERIFY)) return false;
  return evaluateScopes(RESERVED_CATALOG, principal.grants, scopes, CheckMode.ALL).allowed;
}

/** The words of a refusal for lack of permission. */
export function refusalReason(principal: Principal, scopes: readonly string[]): string {
  return principal.tenantSuspended ? "the tenant is suspended" : `requires ${scopes.join(" and ") || "a principal"}`;
}
