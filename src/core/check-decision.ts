import { addressAllowed } from "../common/network";
import { CheckCode } from "./check-code";
import type { KeyState } from "./key-state";
import { ApiKeyStatus, deriveStatus } from "./key-status";
import { type CatalogView, type CheckMode, type GrantSet, type ScopeDecision, evaluateScopes } from "./scope-evaluator";
import { SubscriptionStatus, TenantStatus } from "./tenancy";

export interface CheckRequest {
  scopes: readonly string[];
  mode: CheckMode;
  subscriptionId?: string;
  /** The end user's address; a key with an allowlist and no address fails closed. */
  clientIp?: string;
}

/** What a check needs of a subscription the key is bound to. */
export interface SubscriptionFacts {
  status: SubscriptionStatus;
  /** The grants bound keys may use; null for no limit. */
  ceiling: GrantSet | null;
}

export interface CheckFacts {
  tenantStatus: TenantStatus | undefined;
  subscriptions: ReadonlyMap<string, SubscriptionFacts>;
  catalog: CatalogView;
  now: number;
}

export interface Decision {
  code: CheckCode;
  scopes?: ScopeDecision;
}

const STATUS_CODES: Record<Exclude<ApiKeyStatus, ApiKeyStatus.ACTIVE>, CheckCode> = {
  [ApiKeyStatus.REVOKED]: CheckCode.REVOKED,
  [ApiKeyStatus.EXPIRED]: CheckCode.EXPIRED,
  [ApiKeyStatus.DISABLED]: CheckCode.DISABLED,
};

/** The network check alone: it comes right after the secret, before anything else is revealed. */
export function ipAllowed(state: KeyState, clientIp: string | undefined): boolean {
  if (!state.allowlist) return true;
  return clientIp !== undefined && addressAllowed(state.allowlist, clientIp);
}

function subscriptionCode(state: KeyState, request: CheckRequest, facts: CheckFacts): CheckCode | undefined {
  const isActive = (id: string) => facts.subscriptions.get(id)?.status === SubscriptionStatus.ACTIVE;
  if (request.subscriptionId !== undefined) {
    if (!state.subscriptionIds.includes(request.subscriptionId)) return CheckCode.SUBSCRIPTION_MISMATCH;
    return isActive(request.subscriptionId) ? undefined : CheckCode.SUBSCRIPTION_INACTIVE;
  }
  if (state.subscriptionIds.length > 0 && !state.subscriptionIds.some(isActive)) return CheckCode.SUBSCRIPTION_INACTIVE;
  return undefined;
}

/**
 * Everything after authentication, in the documented order: network, revocation, expiry,
 * enabled, tenant, subscriptions, scopes (within the bound subscriptions' ceilings). (Rate limiting comes last, in the caller, so refused
 * checks spend no budget.)
 */
export function decide(state: KeyState, request: CheckRequest, facts: CheckFacts): Decision {
  if (!ipAllowed(state, request.clientIp)) return { code: CheckCode.IP_NOT_ALLOWED };
  const status = deriveStatus(state, facts.now);
  if (status !== ApiKeyStatus.ACTIVE) return { code: STATUS_CODES[status] };
  if (facts.tenantStatus !== TenantStatus.ACTIVE) return { code: CheckCode.TENANT_SUSPENDED };
  const subscription = subscriptionCode(state, request, facts);
  if (subscription) return { code: subscription };
  // Every bound subscription's ceiling holds at check time too: a namespace or ceiling changed later never widens a key.
  const ceilings = state.subscriptionIds.flatMap((id) => facts.subscriptions.get(id)?.ceiling ?? []);
  const scopes = evaluateScopes(facts.catalog, state.grants, request.scopes, request.mode, ceilings);
  if (scopes.unknownScopes.length > 0) return { code: CheckCode.UNKNOWN_SCOPE, scopes };
  return { code: scopes.allowed ? CheckCode.VALID : CheckCode.FORBIDDEN, scopes };
}
