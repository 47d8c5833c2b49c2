import { addressAllowed } from "../common/network";
import { type CheckMode, type CatalogView, type ScopeDecision, evaluateScopes } from "./scope-evaluator";
import { SubscriptionStatus } from "../subscriptions/subscription.entity";
import { TenantStatus } from "../tenants/tenant.entity";
import { CheckCode } from "./check-code";
import type { KeyState } from "../check/key-state";

export interface CheckRequest {
  scopes: readonly string[];
  mode: CheckMode;
  subscriptionId?: string;
  /** The end user's address; a key with an allowlist and no address fails closed. */
  clientIp?: string;
}

export interface CheckFacts {
  tenantStatus: TenantStatus | undefined;
  subscriptionStatuses: ReadonlyMap<string, SubscriptionStatus>;
  catalog: CatalogView;
  now: number;
}

export interface Decision {
  code: CheckCode;
  scopes?: ScopeDecision;
}

/** The network check alone: it comes right after the secret, before anything else is revealed. */
export function ipAllowed(state: KeyState, clientIp: string | undefined): boolean {
  if (!state.allowlist) return true;
  return clientIp !== undefined && addressAllowed(state.allowlist, clientIp);
}

function subscriptionCode(state: KeyState, request: CheckRequest, facts: CheckFacts): CheckCode | undefined {
  const isActive = (id: string) => facts.subscriptionStatuses.get(id) === SubscriptionStatus.ACTIVE;
  if (request.subscriptionId !== undefined) {
    if (!state.subscriptionIds.includes(request.subscriptionId)) return CheckCode.SUBSCRIPTION_MISMATCH;
    return isActive(request.subscriptionId) ? undefined : CheckCode.SUBSCRIPTION_INACTIVE;
  }
  if (state.subscriptionIds.length > 0 && !state.subscriptionIds.some(isActive)) return CheckCode.SUBSCRIPTION_INACTIVE;
  return undefined;
}

/**
 * Everything after authentication, in DESIGN.md's order: network, revocation, expiry, enabled,
 * tenant, subscriptions, scopes. (Rate limiting comes last, in the caller, so refused checks spend
 * no budget.)
 */
export function decide(state: KeyState, request: CheckRequest, facts: CheckFacts): Decision {
  if (!ipAllowed(state, request.clientIp)) return { code: CheckCode.IP_NOT_ALLOWED };
  if (state.revokedAt !== null && state.revokedAt <= facts.now) return { code: CheckCode.REVOKED };
  if (state.expiresAt !== null && state.expiresAt <= facts.now) return { code: CheckCode.EXPIRED };
  if (!state.enabled) return { code: CheckCode.DISABLED };
  if (facts.tenantStatus !== TenantStatus.ACTIVE) return { code: CheckCode.TENANT_SUSPENDED };
  const subscription = subscriptionCode(state, request, facts);
  if (subscription) return { code: subscription };
  const scopes = evaluateScopes(facts.catalog, state.grants, request.scopes, request.mode);
  if (scopes.unknownScopes.length > 0) return { code: CheckCode.UNKNOWN_SCOPE, scopes };
  return { code: scopes.allowed ? CheckCode.VALID : CheckCode.FORBIDDEN, scopes };
}
