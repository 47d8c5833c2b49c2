import { isIP } from "node:net";
import { type Principal, PrincipalKind } from "../principals/principal";
import { actingTenantId } from "../principals/tenant-access";
import { badInput, rateLimited } from "../common/errors";
import { requireUuid } from "../common/ids";
import type { CatalogService } from "../scopes/catalog.service";
import { CheckCode, VALID_KEY_CODES } from "../core/check-code";
import { type CheckRequest, decide, ipAllowed } from "../core/check-decision";
import type { CheckKeyInput, CheckKeyResult, RateLimitState } from "./check.types";
import type { KeyStateStore } from "./key-state-store";
import type { KeyVerifier } from "./key-verifier";
import type { RateLimits } from "./rate-limits";
import type { UsageRecorder } from "./usage-recorder";

export const MAX_REQUIRED_SCOPES = 50;

/** Observes every decision (metrics); never on the decision's own path. */
export type CheckObserver = (code: CheckCode) => void;

const unique = (scopes: readonly string[]): string[] => [...new Set(scopes)];

/** An answer about a key that did not prove itself: nothing about it, every requirement missing. */
function anonymous(code: CheckCode, request: CheckRequest): CheckKeyResult {
  return {
    valid: false,
    allowed: false,
    code,
    keyId: null,
    tenantId: null,
    name: null,
    externalId: null,
    metadata: null,
    expiresAt: null,
    grants: [],
    matchedScopes: [],
    missingScopes: unique(request.scopes),
    subscriptionIds: [],
    rateLimit: null,
  };
}

/** Root checks any tenant's keys unless it names one; a tenant principal checks its own tenant's. */
function checkedTenantId(principal: Principal, requested: string | null | undefined): string | undefined {
  if (principal.kind !== PrincipalKind.ROOT) return actingTenantId(principal, requested);
  return requested == null ? undefined : requireUuid(requested, "tenantId");
}

/** checkKey: the decision tenants' backends ask for on every request (DESIGN.md, checkKey). */
export class CheckService {
  constructor(
    private readonly verifier: KeyVerifier,
    private readonly store: KeyStateStore,
    private readonly catalog: CatalogService,
    private readonly usage: UsageRecorder,
    private readonly limits: RateLimits,
    private readonly observe: CheckObserver = () => undefined,
  ) {}

  async check(principal: Principal, input: CheckKeyInput): Promise<CheckKeyResult> {
    const request = this.request(input);
    const result = await this.decide(principal.actor.id, input.key, checkedTenantId(principal, input.tenantId), request);
    this.observe(result.code);
    return result;
  }

  private request(input: CheckKeyInput): CheckRequest {
    if (input.scopes.length > MAX_REQUIRED_SCOPES) throw badInput("scopes", `must hold at most ${MAX_REQUIRED_SCOPES} scopes`);
    if (input.clientIp != null && isIP(input.clientIp) === 0) throw badInput("clientIp", "must be an IPv4 or IPv6 address");
    return {
      scopes: input.scopes,
      mode: input.mode,
      subscriptionId: input.subscriptionId == null ? undefined : requireUuid(input.subscriptionId, "subscriptionId"),
      clientIp: input.clientIp ?? undefined,
    };
  }

  private async decide(caller: string, key: string, tenantId: string | undefined, request: CheckRequest): Promise<CheckKeyResult> {
    // Typos and guesses are budgeted per (caller, client address): one busy backend is never locked out by its users.
    const authentication = await this.verifier.authenticate(key, tenantId, this.limits.failedChecks(caller, request.clientIp));
    if (!authentication.ok) {
      if (authentication.code === "THROTTLED") throw rateLimited("Too many failed checks for this client address; try again later");
      return anonymous(authentication.code, request);
    }
    const { state } = authentication;
    // Right after the secret: outside the allowlist nothing about the key is revealed.
    if (!ipAllowed(state, request.clientIp)) return anonymous(CheckCode.IP_NOT_ALLOWED, request);
    const [tenantStatus, subscriptionStatuses, catalog] = await Promise.all([
      this.store.tenantStatus(state.tenantId),
      this.store.subscriptionStatuses(state.subscriptionIds),
      this.catalog.view(state.tenantId),
    ]);
    const decision = decide(state, request, { tenantStatus, subscriptionStatuses, catalog, now: Date.now() });
    let code = decision.code;
    let rateLimit: RateLimitState | null = null;
    if (code === CheckCode.VALID && state.rateLimit) {
      const limited = await this.limits.consumeKey(state.id, state.rateLimit.limit, state.rateLimit.windowSeconds);
      rateLimit = limited.state;
      if (!limited.allowed) code = CheckCode.RATE_LIMITED;
    }
    const valid = VALID_KEY_CODES.has(code);
    if (valid) this.usage.record(state.id, state.tenantId);
    return {
      valid,
      allowed: code === CheckCode.VALID,
      code,
      keyId: state.id,
      tenantId: state.tenantId,
      name: state.name,
      externalId: state.externalId,
      metadata: state.metadata,
      expiresAt: state.expiresAt === null ? null : new Date(state.expiresAt),
      grants: state.scopes,
      matchedScopes: decision.scopes?.matchedScopes ?? [],
      missingScopes: decision.scopes?.missingScopes ?? unique(request.scopes),
      subscriptionIds: state.subscriptionIds,
      rateLimit,
    };
  }
}
