import { DomainError } from "../../src/common/errors";
import { DAY_MS, type ExpiryPolicy, assertWildcardExpiry, resolveExpiry } from "../../src/core/key-rules";

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const HOUR = 3_600_000;
const policy: ExpiryPolicy = { maxTtlDays: 365, requireExpiry: false, wildcardMaxTtlDays: 7 };

/** The field a refusal names. */
function refusedField(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error.field;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("resolveExpiry", () => {
  it("leaves the expiry alone when the input names neither field", () => {
    expect(resolveExpiry({}, policy, NOW)).toBeUndefined();
  });

  it("counts expiresInDays as N x 24 h from the request", () => {
    expect(resolveExpiry({ expiresInDays: 90 }, policy, NOW)).toEqual(new Date(NOW + 90 * DAY_MS));
  });

  it("takes expiresAt as given", () => {
    const at = new Date(NOW + 10 * DAY_MS);
    expect(resolveExpiry({ expiresAt: at }, policy, NOW)).toEqual(at);
  });

  it("clears the expiry with null, unless the policy requires one", () => {
    expect(resolveExpiry({ expiresAt: null }, policy, NOW)).toBeNull();
    expect(resolveExpiry({ expiresInDays: null }, policy, NOW)).toBeNull();
    expect(refusedField(() => resolveExpiry({ expiresAt: null }, { ...policy, requireExpiry: true }, NOW))).toBe("expiresAt");
  });

  it("allows the policy's limit itself (limits are inclusive) and one hour ahead", () => {
    expect(resolveExpiry({ expiresInDays: 365 }, policy, NOW)).toEqual(new Date(NOW + 365 * DAY_MS));
    expect(resolveExpiry({ expiresAt: new Date(NOW + HOUR) }, policy, NOW)).toEqual(new Date(NOW + HOUR));
  });

  it.each([
    ["a day past the limit", { expiresInDays: 366 }, "expiresInDays"],
    ["less than an hour ahead", { expiresAt: new Date(NOW + HOUR - 1) }, "expiresAt"],
    ["in the past", { expiresAt: new Date(NOW - HOUR) }, "expiresAt"],
    ["zero days", { expiresInDays: 0 }, "expiresInDays"],
    ["a fraction of a day", { expiresInDays: 1.5 }, "expiresInDays"],
    ["both fields", { expiresAt: new Date(NOW + DAY_MS), expiresInDays: 1 }, "expiresAt"],
    ["an invalid date", { expiresAt: new Date(Number.NaN) }, "expiresAt"],
  ])("refuses %s, naming the field", (_case, input, field) => {
    expect(refusedField(() => resolveExpiry(input, policy, NOW))).toBe(field);
  });
});

describe("assertWildcardExpiry", () => {
  it("allows *:* on a key expiring within the wildcard limit, inclusive", () => {
    expect(() => assertWildcardExpiry(["*:*"], new Date(NOW + 7 * DAY_MS), policy, NOW)).not.toThrow();
  });

  it("refuses *:* without an expiry or beyond the wildcard limit", () => {
    expect(refusedField(() => assertWildcardExpiry(["*:*"], null, policy, NOW))).toBe("scopes");
    expect(refusedField(() => assertWildcardExpiry(["*:*"], new Date(NOW + 7 * DAY_MS + 1), policy, NOW))).toBe("scopes");
  });

  it("ignores keys without *:*", () => {
    expect(() => assertWildcardExpiry(["*:read", "users:*"], null, policy, NOW)).not.toThrow();
  });
});
