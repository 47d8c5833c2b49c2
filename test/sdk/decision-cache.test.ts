import { DecisionCache, decisionCacheKey } from "../../sdk/src/cache";

describe("DecisionCache", () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it("reuses an entry until its ttl has passed", () => {
    const sut = new DecisionCache<string>({ ttlMs: 1000, maxEntries: 10, now: clock });
    sut.set("a", "allowed");
    now += 999;
    expect(sut.get("a")).toBe("allowed");
    now += 1;
    expect(sut.get("a")).toBeUndefined();
    expect(sut.size).toBe(0);
  });

  it("drops the least recently used entry beyond maxEntries", () => {
    const sut = new DecisionCache<number>({ ttlMs: 1000, maxEntries: 2, now: clock });
    sut.set("a", 1);
    sut.set("b", 2);
    expect(sut.get("a")).toBe(1);
    sut.set("c", 3);
    expect([sut.get("a"), sut.get("b"), sut.get("c")]).toEqual([1, undefined, 3]);
    expect(sut.size).toBe(2);
  });

  it("refuses settings that would make it cache forever or nothing", () => {
    expect(() => new DecisionCache({ ttlMs: 0, maxEntries: 1 })).toThrow(/ttlMs/);
    expect(() => new DecisionCache({ ttlMs: Infinity, maxEntries: 1 })).toThrow(/ttlMs/);
    expect(() => new DecisionCache({ ttlMs: 1, maxEntries: 0 })).toThrow(/maxEntries/);
  });
});

describe("decisionCacheKey", () => {
  const question = { key: "ks_secret", scopes: ["example:read"], mode: "ALL", subscriptionId: null, clientIp: "203.0.113.7" };

  it("differs when any input differs", () => {
    const keys = new Set(
      [
        question,
        { ...question, key: "ks_other" },
        { ...question, scopes: ["example:write"] },
        { ...question, mode: "ANY" },
        { ...question, subscriptionId: "sub" },
        { ...question, clientIp: "203.0.113.8" },
        { ...question, clientIp: null },
      ].map(decisionCacheKey),
    );
    expect(keys.size).toBe(7);
    expect(decisionCacheKey({ ...question })).toBe(decisionCacheKey(question));
  });

  it("holds no key in the clear", () => {
    expect(decisionCacheKey(question)).not.toContain("ks_secret");
  });
});
