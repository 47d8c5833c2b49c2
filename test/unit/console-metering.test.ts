import { createCreditsInput, creditErrors, creditsStateOf, describeRefill, updateCreditsInput } from "../../console/src/lib/credits";
import { formatWindow, limitErrors, limitsOf, newRow, rowsOf, sameLimits } from "../../console/src/lib/limits";
import { chartRows, codesIn, totalsByCode, usageSummary, usageWindow } from "../../console/src/lib/usage";

describe("console limits editor model", () => {
  it("shows windows in their largest whole unit and sends seconds back", () => {
    const limits = [
      { name: "default", limit: 100, windowSeconds: 60, autoApply: true },
      { name: "daily", limit: 5000, windowSeconds: 86_400, autoApply: false },
      { name: "burst", limit: 10, windowSeconds: 90, autoApply: true },
    ];
    const rows = rowsOf(limits);
    expect(rows.map((row) => [row.window, row.unit])).toEqual([["1", "minutes"], ["1", "days"], ["90", "seconds"]]);
    expect(limitsOf(rows)).toEqual(limits);
    expect(sameLimits(limitsOf(rows), limits)).toBe(true);
    expect(formatWindow(60)).toBe("1 minute");
    expect(formatWindow(7200)).toBe("2 hours");
  });

  it("names new rows apart and reports errors by the server's field names", () => {
    const first = newRow([]);
    expect(first.name).toBe("default");
    expect(newRow([first]).name).not.toBe("default");
    const rows = [first, { ...first, key: "b" }, { ...first, key: "c", name: "Bad Name", limit: "0", window: "32", unit: "days" as const }];
    expect(limitErrors(rows)).toEqual({
      "rateLimits[1].name": expect.stringContaining("Another limit"),
      "rateLimits[2].name": expect.any(String),
      "rateLimits[2].limit": expect.any(String),
      "rateLimits[2].windowSeconds": expect.any(String),
    });
  });
});

describe("console credits model", () => {
  const current = { remaining: 40, refill: { amount: 100, interval: "MONTHLY" as const, dayOfMonth: 31 } };

  it("creates credits with and without a refill", () => {
    expect(createCreditsInput(creditsStateOf(null))).toBeUndefined();
    const state = { ...creditsStateOf(null), enabled: true, remaining: "10" };
    expect(createCreditsInput(state)).toEqual({ remaining: 10 });
    expect(createCreditsInput({ ...state, refill: "DAILY", amount: "5" })).toEqual({ remaining: 10, refill: { interval: "DAILY", amount: 5 } });
  });

  it("sends only what changed, adds, or removes the credits", () => {
    const state = creditsStateOf(current);
    expect(updateCreditsInput(state, current)).toBeUndefined();
    expect(updateCreditsInput({ ...state, remaining: "50" }, current)).toEqual({ remaining: 50 });
    expect(updateCreditsInput({ ...state, add: "-5" }, current)).toEqual({ add: -5 });
    expect(updateCreditsInput({ ...state, refill: "none" }, current)).toEqual({ refill: null });
    expect(updateCreditsInput({ ...state, enabled: false }, current)).toBeNull();
    expect(updateCreditsInput({ ...creditsStateOf(null), enabled: false }, null)).toBeUndefined();
    expect(creditErrors({ ...state, dayOfMonth: "32", remaining: "-1" })).toEqual({
      "credits.remaining": expect.any(String),
      "credits.refill.dayOfMonth": expect.any(String),
    });
    expect(describeRefill(current.refill)).toBe("Back to 100 on the last day of every month (00:00 UTC)");
  });
});

describe("console usage model", () => {
  const buckets = [
    { at: "2026-12-01T10:00:00.000Z", total: 0, valid: 0, codes: [] },
    { at: "2026-12-01T11:00:00.000Z", total: 3, valid: 2, codes: [{ code: "RATE_LIMITED" as const, count: 1 }, { code: "VALID" as const, count: 2 }] },
  ];

  it("spans whole UTC hours or days, the current one included", () => {
    const now = Date.parse("2026-12-01T11:20:00Z");
    expect(usageWindow("24h", now)).toEqual({ since: "2026-11-30T12:00:00.000Z", until: "2026-12-01T12:00:00.000Z", granularity: "HOUR" });
    expect(usageWindow("30d", now)).toEqual({ since: "2026-11-02T00:00:00.000Z", until: "2026-12-02T00:00:00.000Z", granularity: "DAY" });
  });

  it("stacks by code and sums up in words", () => {
    expect(codesIn(buckets)).toEqual(["VALID", "RATE_LIMITED"]);
    expect(chartRows(buckets, "HOUR")[1]).toMatchObject({ label: "11:00", VALID: 2, RATE_LIMITED: 1, total: 3 });
    expect(totalsByCode(buckets)).toEqual([{ code: "VALID", count: 2 }, { code: "RATE_LIMITED", count: 1 }]);
    expect(usageSummary(buckets, "the last 24 hours")).toBe("3 checks in the last 24 hours: 2 VALID, 1 RATE_LIMITED.");
    expect(usageSummary([], "the last 30 days")).toBe("No checks in the last 30 days.");
  });
});
