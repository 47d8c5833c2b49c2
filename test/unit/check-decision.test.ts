import { buildBlockList } from "../../src/common/network";
import { CheckCode } from "../../src/core/check-code";
import { type CheckFacts, type CheckRequest, decide } from "../../src/core/check-decision";
import type { KeyState } from "../../src/core/key-state";
import { type CatalogView, CheckMode, GrantSet } from "../../src/core/scope-evaluator";
import { SubscriptionStatus, TenantStatus } from "../../src/core/tenancy";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const PRO = "00000000-0000-7000-8000-00000000aa01";
const TRIAL = "00000000-0000-7000-8000-00000000aa02";

const catalog: CatalogView = new Map([["messaging", new Map([["ListChannels", "READ"], ["SendMessage", "WRITE"]] as const)]]);

function keyState(overrides: Partial<KeyState> = {}): KeyState {
  const scopes = overrides.scopes ?? ["messaging:read"];
  const allowedCidrs = overrides.allowedCidrs ?? [];
  return {
    id: "key",
    tenantId: "tenant",
    name: "mobile",
    externalId: null,
    metadata: null,
    secretHash: "hash",
    enabled: true,
    expiresAt: null,
    revokedAt: null,
    subscriptionIds: [],
    rateLimits: [],
    identityId: null,
    credits: null,
    isRoot: false,
    ...overrides,
    scopes,
    grants: GrantSet.of(scopes),
    allowedCidrs,
    allowlist: allowedCidrs.length > 0 ? buildBlockList(allowedCidrs) : null,
  };
}

const facts = (overrides: Partial<CheckFacts> = {}): CheckFacts => ({
  tenantStatus: TenantStatus.ACTIVE,
  subscriptions: new Map([
    [PRO, { status: SubscriptionStatus.ACTIVE, ceiling: null }],
    [TRIAL, { status: SubscriptionStatus.SUSPENDED, ceiling: null }],
  ]),
  catalog,
  now: NOW,
  ...overrides,
});

const request = (overrides: Partial<CheckRequest> = {}): CheckRequest => ({ scopes: ["messaging:ListChannels"], mode: CheckMode.ALL, ...overrides });

describe("decide", () => {
  it("answers VALID with the matched scope when everything holds", () => {
    const decision = decide(keyState(), request(), facts());
    expect(decision.code).toBe(CheckCode.VALID);
    expect(decision.scopes?.matchedScopes).toEqual(["messaging:read"]);
  });

  it.each([
    ["outside the allowlist", keyState({ allowedCidrs: ["10.0.0.0/8"] }), request({ clientIp: "192.0.2.1" }), facts(), CheckCode.IP_NOT_ALLOWED],
    ["an allowlist and no client address (fails closed)", keyState({ allowedCidrs: ["10.0.0.0/8"] }), request(), facts(), CheckCode.IP_NOT_ALLOWED],
    ["revoked", keyState({ revokedAt: NOW }), request(), facts(), CheckCode.REVOKED],
    ["expired", keyState({ expiresAt: NOW - 1 }), request(), facts(), CheckCode.EXPIRED],
    ["disabled", keyState({ enabled: false }), request(), facts(), CheckCode.DISABLED],
    ["of a suspended tenant", keyState(), request(), facts({ tenantStatus: TenantStatus.SUSPENDED }), CheckCode.TENANT_SUSPENDED],
    ["not bound to the subscription named", keyState({ subscriptionIds: [PRO] }), request({ subscriptionId: TRIAL }), facts(), CheckCode.SUBSCRIPTION_MISMATCH],
    ["bound to the subscription named, which is suspended", keyState({ subscriptionIds: [TRIAL] }), request({ subscriptionId: TRIAL }), facts(), CheckCode.SUBSCRIPTION_INACTIVE],
    ["bound only to inactive subscriptions", keyState({ subscriptionIds: [TRIAL] }), request(), facts(), CheckCode.SUBSCRIPTION_INACTIVE],
    ["asked for a scope the catalog does not know", keyState(), request({ scopes: ["billing:Charge"] }), facts(), CheckCode.UNKNOWN_SCOPE],
    ["missing a required scope", keyState(), request({ scopes: ["messaging:SendMessage"] }), facts(), CheckCode.FORBIDDEN],
  ])("refuses a key %s", (_case, state, checkRequest, checkFacts, code) => {
    expect(decide(state, checkRequest, checkFacts).code).toBe(code);
  });

  it("passes a key bound to one active subscription among inactive ones, and a key bound to none", () => {
    expect(decide(keyState({ subscriptionIds: [PRO, TRIAL] }), request(), facts()).code).toBe(CheckCode.VALID);
    expect(decide(keyState({ subscriptionIds: [] }), request(), facts()).code).toBe(CheckCode.VALID);
  });

  it("checks in the documented order: the network first, then revocation, expiry, enabled, tenant, subscriptions, scopes", () => {
    const everythingWrong = keyState({
      allowedCidrs: ["10.0.0.0/8"],
      revokedAt: NOW,
      expiresAt: NOW,
      enabled: false,
      subscriptionIds: [TRIAL],
    });
    const suspended = facts({ tenantStatus: TenantStatus.SUSPENDED });
    const unknown = request({ scopes: ["billing:Charge"], subscriptionId: PRO, clientIp: "192.0.2.1" });
    const order = [
      [everythingWrong, unknown, CheckCode.IP_NOT_ALLOWED],
      [{ ...everythingWrong, allowlist: null }, unknown, CheckCode.REVOKED],
      [{ ...everythingWrong, allowlist: null, revokedAt: null }, unknown, CheckCode.EXPIRED],
      [{ ...everythingWrong, allowlist: null, revokedAt: null, expiresAt: null }, unknown, CheckCode.DISABLED],
      [{ ...everythingWrong, allowlist: null, revokedAt: null, expiresAt: null, enabled: true }, unknown, CheckCode.TENANT_SUSPENDED],
    ] as const;
    for (const [state, checkRequest, code] of order) expect(decide(state, checkRequest, suspended).code).toBe(code);
    const usable = keyState({ subscriptionIds: [TRIAL] });
    expect(decide(usable, unknown, facts()).code).toBe(CheckCode.SUBSCRIPTION_MISMATCH);
    expect(decide(keyState(), unknown, facts()).code).toBe(CheckCode.SUBSCRIPTION_MISMATCH);
    expect(decide(keyState({ subscriptionIds: [PRO] }), unknown, facts()).code).toBe(CheckCode.UNKNOWN_SCOPE);
  });

  it("holds a requirement to every bound subscription's ceiling at check time, whatever the key's grants", () => {
    const readOnly = facts({ subscriptions: new Map([[PRO, { status: SubscriptionStatus.ACTIVE, ceiling: GrantSet.of(["messaging:ListChannels"]) }]]) });
    const wildcard = keyState({ scopes: ["*:*"], subscriptionIds: [PRO] });
    expect(decide(wildcard, request({ scopes: ["messaging:ListChannels"] }), readOnly).code).toBe(CheckCode.VALID);
    const refused = decide(wildcard, request({ scopes: ["messaging:SendMessage"] }), readOnly);
    expect(refused.code).toBe(CheckCode.FORBIDDEN);
    expect(refused.scopes?.missingScopes).toEqual(["messaging:SendMessage"]);
  });

  it("in ANY mode allows a key holding one of the required scopes", () => {
    const anyOf = request({ scopes: ["messaging:SendMessage", "messaging:ListChannels"], mode: CheckMode.ANY });
    expect(decide(keyState(), anyOf, facts()).code).toBe(CheckCode.VALID);
    expect(decide(keyState(), { ...anyOf, mode: CheckMode.ALL }, facts()).code).toBe(CheckCode.FORBIDDEN);
  });
});
