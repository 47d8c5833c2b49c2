import { KeysmithError } from "../../sdk/src";
import { type CheckCode, presentedKey, refusalForError, refusalForResult } from "../../sdk/src/middleware/shared";
import type { CheckResult } from "../../sdk/src/generated/rest";

const result = (overrides: Partial<CheckResult>): CheckResult => ({
  valid: false,
  allowed: false,
  code: "NOT_FOUND",
  keyId: null,
  tenantId: null,
  name: null,
  externalId: null,
  metadata: null,
  expiresAt: null,
  grants: [],
  matchedScopes: [],
  missingScopes: [],
  subscriptionIds: [],
  rateLimit: null,
  identity: null,
  rateLimits: [],
  creditsRemaining: null,
  ...overrides,
});

describe("presentedKey", () => {
  it("reads Authorization: Bearer first, then X-API-Key", () => {
    expect(presentedKey({ authorization: "Bearer ks_a", "x-api-key": "ks_b" })).toBe("ks_a");
    expect(presentedKey({ authorization: "bearer   ks_a " })).toBe("ks_a");
    expect(presentedKey({ "x-api-key": " ks_b " })).toBe("ks_b");
    expect(presentedKey({ authorization: "Basic dXNlcjpwYXNz", "x-api-key": "ks_b" })).toBe("ks_b");
  });

  it("finds none in an empty or non-Bearer header", () => {
    expect(presentedKey({})).toBeUndefined();
    expect(presentedKey({ authorization: "Bearer" })).toBeUndefined();
    expect(presentedKey({ authorization: "Basic dXNlcjpwYXNz" })).toBeUndefined();
    expect(presentedKey({ "x-api-key": "  " })).toBeUndefined();
  });
});

describe("refusalForResult", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");

  it("lets an allowed check through", () => {
    expect(refusalForResult(result({ valid: true, allowed: true, code: "VALID" }), now)).toBeNull();
  });

  it.each<CheckCode>(["MALFORMED", "NOT_FOUND", "IP_NOT_ALLOWED", "REVOKED", "EXPIRED", "DISABLED", "TENANT_SUSPENDED", "SUBSCRIPTION_MISMATCH", "SUBSCRIPTION_INACTIVE"])(
    "answers %s (not valid) with 401 and the check's code",
    (code) => {
      const refusal = refusalForResult(result({ code }), now);
      expect(refusal).toMatchObject({ status: 401, headers: { "www-authenticate": "Bearer" }, body: { error: { code, message: expect.any(String) } } });
    },
  );

  it.each<CheckCode>(["FORBIDDEN", "UNKNOWN_SCOPE"])("answers %s with 403", (code) => {
    expect(refusalForResult(result({ valid: true, code }), now)).toMatchObject({ status: 403, body: { error: { code } } });
  });

  it("answers RATE_LIMITED with 429 and Retry-After until every exceeded window resets, at least 1 s", () => {
    const outcome = (name: string, resetAt: string, exceeded: boolean) => ({ name, limit: 1, remaining: 0, resetAt, exceeded });
    const limited = (...rateLimits: ReturnType<typeof outcome>[]) => refusalForResult(result({ valid: true, code: "RATE_LIMITED", rateLimits }), now);
    expect(limited(outcome("default", "2026-01-01T00:00:41.200Z", true), outcome("daily", "2026-01-02T00:00:00Z", false))).toMatchObject({
      status: 429,
      headers: { "retry-after": "42" },
      body: { error: { code: "RATE_LIMITED" } },
    });
    expect(limited(outcome("default", "2025-12-31T23:59:59Z", true))?.headers["retry-after"]).toBe("1");
  });

  it("answers USAGE_EXCEEDED with 429 and no Retry-After: credits come back with a refill or a top-up", () => {
    const refusal = refusalForResult(result({ valid: true, code: "USAGE_EXCEEDED", creditsRemaining: 0 }), now);
    expect(refusal).toEqual({ status: 429, headers: {}, body: { error: { code: "USAGE_EXCEEDED", message: expect.any(String) } } });
  });
});

describe("refusalForError", () => {
  it("passes Keysmith's throttling on as 429 with its Retry-After", () => {
    const error = new KeysmithError({ code: "RATE_LIMITED", status: 429, message: "slow down", retryAfterSeconds: 17 });
    expect(refusalForError(error)).toEqual({ status: 429, headers: { "retry-after": "17" }, body: { error: { code: "RATE_LIMITED", message: expect.any(String) } } });
  });

  it.each([
    ["unreachable", "SERVICE_UNAVAILABLE", 503],
    ["a backend token Keysmith refuses", "UNAUTHENTICATED", 401],
    ["a backend token without keys:verify", "FORBIDDEN", 403],
    ["a proxy's error page", "UNEXPECTED_RESPONSE", 502],
  ])("answers 503 SERVICE_UNAVAILABLE for %s, without Keysmith's message", (_case, code, status) => {
    const refusal = refusalForError(new KeysmithError({ code, status, message: "internal detail" }));
    expect(refusal.status).toBe(503);
    expect(refusal.body.error.code).toBe("SERVICE_UNAVAILABLE");
    expect(refusal.body.error.message).not.toContain("internal detail");
  });
});
