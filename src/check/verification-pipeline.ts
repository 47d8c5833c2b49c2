import { CheckCode, VALID_KEY_CODES } from "../core/check-code";
import { type CheckRequest, decide, ipAllowed } from "../core/check-decision";
import type { KeyState } from "../core/key-state";
import type { CatalogView, ScopeDecision } from "../core/scope-evaluator";
import type { CatalogService } from "../scopes/catalog.service";
import type { KeyStateStore } from "./key-state-store";
import type { KeyVerifier, Sender } from "./key-verifier";
import type { KeyRateLimitState, RateLimits } from "./rate-limits";
import type { UsageRecorder } from "./usage-recorder";

export interface VerificationRequest {
  /** The key as presented. */
  key: string;
  /** Who presented it, and pays for its failures. */
  sender: Sender;
  /** Only this tenant's keys are found; another's answers NOT_FOUND. */
  tenantId?: string;
  check: CheckRequest;
  /** Whether this use spends the key's own rate limit (checks do; authenticating to Keysmith does not). */
  spendKeyRateLimit: boolean;
}

export interface Verification {
  code: CheckCode;
  /** The key, once it proved authentic and allowed on the client's network; undefined before. */
  state?: KeyState;
  scopes?: ScopeDecision;
  rateLimit: KeyRateLimitState | null;
}

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
  ) {}

  async verify(request: VerificationRequest): Promise<Verification> {
    const authentication = await this.verifier.authenticate(request.key, request.sender, request.tenantId);
    if (!authentication.ok) return { code: authentication.code, rateLimit: null };
    const { state } = authentication;
    // Right after the secret: outside the allowlist nothing about the key is revealed.
    if (!ipAllowed(state, request.check.clientIp)) return { code: CheckCode.IP_NOT_ALLOWED, rateLimit: null };
    const [tenantStatus, subscriptions, catalog] = await Promise.all([
      this.store.tenantStatus(state.tenantId),
      this.store.subscriptionFacts(state.subscriptionIds),
      request.check.scopes.length > 0 ? this.catalog.view(state.tenantId) : NO_CATALOG,
    ]);
    const decision = decide(state, request.check, { tenantStatus, subscriptions, catalog, now: Date.now() });
    let code = decision.code;
    let rateLimit: KeyRateLimitState | null = null;
    if (code === CheckCode.VALID && request.spendKeyRateLimit && state.rateLimit) {
      const limited = await this.limits.consumeKey(state.id, state.rateLimit.limit, state.rateLimit.windowSeconds);
      rateLimit = limited.state;
      if (!limited.allowed) code = CheckCode.RATE_LIMITED;
    }
    if (VALID_KEY_CODES.has(code)) this.usage.record(state.id, state.tenantId);
    return { code, state, scopes: decision.scopes, rateLimit };
  }
}
