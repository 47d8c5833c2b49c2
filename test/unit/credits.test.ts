import { RefillInterval, creditErrors, lastRefillAt, normalizedRefill, refillDue } from "../../src/core/credits";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("lastRefillAt", () => {
  const daily = { amount: 100, interval: RefillInterval.DAILY, dayOfMonth: null };
  const monthly = (dayOfMonth: number) => ({ amount: 100, interval: RefillInterval.MONTHLY, dayOfMonth });

  it("is today's 00:00 UTC for a daily refill", () => {
    expect(iso(lastRefillAt(daily, at("2026-12-01T23:59:59Z")))).toBe("2026-12-01T00:00:00.000Z");
    expect(iso(lastRefillAt(daily, at("2026-12-02T00:00:00Z")))).toBe("2026-12-02T00:00:00.000Z");
  });

  it("is this month's refill day once it has come, else last month's", () => {
    expect(iso(lastRefillAt(monthly(15), at("2026-12-20T08:00:00Z")))).toBe("2026-12-15T00:00:00.000Z");
    expect(iso(lastRefillAt(monthly(15), at("2026-12-14T23:00:00Z")))).toBe("2026-11-15T00:00:00.000Z");
    expect(iso(lastRefillAt(monthly(15), at("2026-01-10T00:00:00Z")))).toBe("2025-12-15T00:00:00.000Z");
  });

  it("clamps the day to the month's length (31 is every month's last day, 29 February in leap years)", () => {
    expect(iso(lastRefillAt(monthly(31), at("2027-02-28T01:00:00Z")))).toBe("2027-02-28T00:00:00.000Z");
    expect(iso(lastRefillAt(monthly(31), at("2027-02-27T01:00:00Z")))).toBe("2027-01-31T00:00:00.000Z");
    expect(iso(lastRefillAt(monthly(30), at("2028-02-29T00:00:00Z")))).toBe("2028-02-29T00:00:00.000Z");
    expect(iso(lastRefillAt(monthly(31), at("2026-04-30T12:00:00Z")))).toBe("2026-04-30T00:00:00.000Z");
  });

  it("makes a refill due once, after the refill time passes the last refill", () => {
    const refilledAt = at("2026-12-01T00:00:00Z");
    expect(refillDue(daily, refilledAt, at("2026-12-01T18:00:00Z"))).toBe(false);
    expect(refillDue(daily, refilledAt, at("2026-12-02T00:00:01Z"))).toBe(true);
    expect(refillDue(daily, null, at("2026-12-02T00:00:01Z"))).toBe(true);
  });
});

describe("credit settings", () => {
  it("refuses negative counts and a day of month on a daily refill, naming each field", () => {
    const errors = creditErrors({ remaining: -1, refill: { amount: -5, interval: RefillInterval.DAILY, dayOfMonth: 3 } });
    expect(errors.map((error) => error.field)).toEqual(["credits.remaining", "credits.refill.amount", "credits.refill.dayOfMonth"]);
  });

  it("refills a monthly refill without a day on the 1st", () => {
    expect(normalizedRefill({ amount: 10, interval: RefillInterval.MONTHLY })).toEqual({ amount: 10, interval: RefillInterval.MONTHLY, dayOfMonth: 1 });
    expect(normalizedRefill({ amount: 10, interval: RefillInterval.DAILY, dayOfMonth: 5 })).toEqual({ amount: 10, interval: RefillInterval.DAILY, dayOfMonth: null });
  });
});
