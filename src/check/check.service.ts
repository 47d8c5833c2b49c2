import { isIP } from "node:net";
import { requireUuid } from "../common/ids";
import { badInput, invalidInput } from "../common/errors";
import { CheckCode, VALID_KEY_CODES } from "../core/check-code";
import type { CheckRequest } from "../core/check-decision";
import { DEFAULT_LIMIT_NAME, type LimitUse, MAX_COST, limitUseErrors } from "../core/named-limits";
import { type Principal, PrincipalKind } from "../principals/principal";
import { actingTenantId } from "../principals/tenant-access";
import type { CheckMode } from "../core/scope-evaluator";
import type { CheckKeyResult } from "./check.types";
import type { LimitOutcome } from "./rate-limits";
import type { Senders } from "./senders";
import type { Metering, Verification, VerificationPipeline } from "./verification-pipeline";

export const MAX_REQUIRED_SCOPES = 50;

/** What a backend asks, over GraphQL (CheckKeyInput) or REST: the same fields, the same meaning. */
export interface CheckKeyRequest {
  key: string;
  scopes: string[];
  mode: CheckMode;
  subscriptionId?: string | null;
  clientIp?: string | null;
  /** Root only: the tenant whose keys to check. */
  tenantId?: string | null;
  /** Limits to apply beside the auto-apply ones, each at its cost. */
  limits: LimitUse[];
  /** Credits this check spends (keys with credits only). */
  cost: number;
}

/** Observes every decision (metrics); never on the decision's own path. */
export type CheckObserver = (code: CheckCode) => void;

const unique = (scopes: readonly string[]): string[] => [...new Set(scopes)];

/** Root checks any tenant's keys unless it names one; a tenant principal checks its own tenant's. */
function checkedTenantId(principal: Principal, requested: string | null | undefined): string | undefined {
  if (principal.kind !== PrincipalKind.ROOT) return actingTenantId(principal, requested);
  return requested == null ? undefined : requireUuid(requested, "tenantId");
}

/** The limit named `default`, in the shape of the first release's single rateLimit. */
function deprecatedRateLimit(outcomes: readonly LimitOutcome[]): CheckKeyResult["rateLimit"] {
  const outcome = outcomes.find((limit) => limit.name === DEFAULT_LIMIT_NAME);
  return outcome ? { limit: outcome.limit, remaining: outcome.remaining, resetAt: outcome.resetAt } : null;
}

/** The answer: key details only once the key proved authentic and allowed on the client's network. */
function toResult(verification: Verification, request: CheckRequest): CheckKeyResult {
  const { code, state, identity, scopes, rateLimits, creditsRemaining } = verification;
  const valid = state !== undefined && VALID_KEY_CODES.has(code);
  return {
    valid,
    allowed: code === CheckCode.VALID,
    code,
    keyId: state?.id ?? null,
    tenantId: state?.tenantId ?? null,
    name: state?.name ?? null,
    externalId: state?.externalId ?? null,
    metadata: state?.metadata ?? null,
    expiresAt: state?.expiresAt == null ? null : new Date(state.expiresAt),
    grants: state?.scopes ?? [],
    matchedScopes: scopes?.matchedScopes ?? [],
    missingScopes: scopes?.missingScopes ?? unique(request.scopes),
    subscriptionIds: state?.subscriptionIds ?? [],
    identity: identity ? { id: identity.id, externalId: identity.externalId, name: identity.name, metadata: identity.metadata } : null,
    rateLimits,
    rateLimit: deprecatedRateLimit(rateLimits),
    creditsRemaining,
  };
}

/** checkKey: the decision tenants' backends ask for on every request. */
export class CheckService {
  constructor(
    private readonly pipeline: VerificationPipeline,
    private readonly senders: Senders,
    private readonly observe: CheckObserver = () => undefined,
  ) {}

  async check(principal: Principal, input: CheckKeyRequest): Promise<CheckKeyResult> {
    const request = checkRequest(input);
    const verification = await this.pipeline.verify({
      key: input.key,
      // Typos and guesses are budgeted per (caller, client address): one busy backend is never locked out by its users.
      sender: this.senders.caller(principal, request.clientIp),
      tenantId: checkedTenantId(principal, input.tenantId),
      check: request,
      metering: meteringOf(input),
    });
    this.observe(verification.code);
    return toResult(verification, request);
  }
}

function checkRequest(input: CheckKeyRequest): CheckRequest {
  if (input.scopes.length > MAX_REQUIRED_SCOPES) throw badInput("scopes", `must hold at most ${MAX_REQUIRED_SCOPES} scopes`);
  if (input.clientIp != null && isIP(input.clientIp) === 0) throw badInput("clientIp", "must be an IPv4 or IPv6 address");
  return {
    scopes: input.scopes,
    mode: input.mode,
    subscriptionId: input.subscriptionId == null ? undefined : requireUuid(input.subscriptionId, "subscriptionId"),
    clientIp: input.clientIp ?? undefined,
  };
}

function meteringOf(input: CheckKeyRequest): Metering {
  const errors = limitUseErrors(input.limits);
  if (!Number.isInteger(input.cost) || input.cost < 0 || input.cost > MAX_COST) errors.push({ field: "cost", message: `must be from 0 to ${MAX_COST}` });
  if (errors.length > 0) throw invalidInput(errors);
  return { limits: input.limits, cost: input.cost };
}
