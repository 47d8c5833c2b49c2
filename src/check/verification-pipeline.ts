import { CheckCode } from "../core/check-code";
import { type CheckRequest, decide, ipAllowed } from "../core/check-decision";
import type { IdentityState, KeyState } from "../core/key-state";
import { type LimitUse, planLimits } from "../core/named-limits";
import type { CatalogView, ScopeDecision } from "../core/scope-evaluator";
import type { CatalogService } from "../scopes/catalog.service";
import type { CreditLedger } from "./credit-ledger";
import type { KeyStateStore } from "./key-state-store";
import type { KeyVerifier, Sender } from "./key-verifier";
import type { LimitOutcome, LimitSpend, RateLimits } from "./rate-limits";
import type { UsageRecorder } from "./usage-recorder";

/** What a check spends once it is otherwise VALID: named limits, then credits. */
export interface Metering {
  /** Limits the check names, beside the auto-apply ones, each at its cost. */
  limits: readonly LimitUse[];
  /** Credits the check spends, when the key has credits (0 spends none and always passes). */
  cost: number;
}

export interface VerificationRequest {
  /** The key as presented. */
  key: string;
  /** Who presented it, and pays for its failures. */
  sender: Sender;
  /** Only this tenant's keys are found; another's answers NOT_FOUND. */
  tenantId?: string;
  check: CheckRequest;
  /** Checks spend limits and credits and count in the key's usage; authenticating to Keysmith does neither. */
  metering?: Metering;
}

export interface Verification {
  code: CheckCode;
  /** The key, once it proved authentic and allowed on the client's network; undefined before. */
  state?: KeyState;
  identity?: IdentityState;
  scopes?: ScopeDecision;
  /** Every limit the check spent (or would have, when one was exceeded). */
  rateLimits: LimitOutcome[];
  /** After this check; null when the key has no credits. */
  creditsRemaining: number | null;
}

const counterOf = (owner: "key" | "identity", id: string, name: string) => `${owner}:${id}:${name}`;

/** Requirements name no scope: the catalog is not needed. */
const NO_CATALOG: CatalogView = new Map();

/**
 * The one verification of a presented key, whoever asks (a credential on Keysmith's own API,
 * checkKey, the REST check): parse, throttle, verify, state, decide, usage. The callers differ
 * only in the arguments they pass and in what they make of the answer.
 */
export class VerificationPipeline {
  constructor(
    private readonly verifier: KeyVerifier,
    private readonly store: KeyStateStore,
    private readonly catalog: CatalogService,
    private readonly usage: UsageRecorder,
    private readonly limits: RateLimits,
    private readonly credits: CreditLedger,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(request: VerificationRequest): Promise<Verification> {
    const authentication = await this.verifier.authenticate(request.key, request.sender, request.tenantId);
    if (!authentication.ok) return { code: authentication.code, rateLimits: [], creditsRemaining: null };
    const { state } = authentication;
    // Right after the secret: outside the allowlist nothing about the key is revealed.
    if (!ipAllowed(state, request.check.clientIp)) return this.counted(request, state, { code: CheckCode.IP_NOT_ALLOWED, rateLimits: [], creditsRemaining: null });
    const [tenantStatus, subscriptions, catalog, identity] = await Promise.all([
      this.store.tenantStatus(state.tenantId),
      this.store.subscriptionFacts(state.subscriptionIds),
      request.check.scopes.length > 0 ? this.catalog.view(state.tenantId) : NO_CATALOG,
      state.identityId ? this.store.identity(state.identityId) : undefined,
    ]);
    const now = this.now();
    const decision = decide(state, request.check, { tenantStatus, subscriptions, catalog, now });
    const verification: Verification = { code: decision.code, state, identity, scopes: decision.scopes, rateLimits: [], creditsRemaining: null };
    if (decision.code === CheckCode.VALID && request.metering) await this.meter(state, identity, request.metering, now, verification);
    return this.counted(request, state, verification);
  }

  /**
   * The named limits, then the credits; a check refused by either spends neither. A key with no
   * limits and no credits costs nothing here.
   */
  private async meter(state: KeyState, identity: IdentityState | undefined, metering: Metering, now: number, verification: Verification): Promise<void> {
    const planned = planLimits(state.rateLimits, identity?.rateLimits ?? [], metering.limits);
    const spends: LimitSpend[] = planned.map((limit) => ({
      name: limit.name,
      counter: counterOf(limit.owner, limit.owner === "key" ? state.id : identity!.id, limit.name),
      limit: limit.limit,
      windowSeconds: limit.windowSeconds,
      cost: limit.cost,
    }));
    const limits = spends.length > 0 ? await this.limits.spendLimits(spends) : undefined;
    verification.rateLimits = limits?.outcomes ?? [];
    if (limits && !limits.allowed) {
      verification.code = CheckCode.RATE_LIMITED;
      return;
    }
    if (!state.credits) return;
    const credits = await this.credits.spend(state.tenantId, state.credits, metering.cost, now);
    verification.creditsRemaining = credits.remaining;
    if (credits.allowed) return;
    verification.code = CheckCode.USAGE_EXCEEDED;
    if (limits) verification.rateLimits = await limits.refund();
  }

  /** Usage of an authentic key: lastUsedAt and usageCount for usable keys, and checks by code per hour. */
  private counted(request: VerificationRequest, state: KeyState, verification: Verification): Verification {
    this.usage.record(state.id, state.tenantId, verification.code, request.metering !== undefined);
    return verification;
  }
}
