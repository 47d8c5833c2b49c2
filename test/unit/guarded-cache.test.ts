import { GuardedCache } from "../../src/common/guarded-cache";

describe("GuardedCache", () => {
  let now: number;
  const clock = () => now;
  beforeEach(() => {
    now = 1_700_000_000_000;
  });

  it("loads once and serves the cached value until its TTL passes", async () => {
    const sut = new GuardedCache<string, number>({ maxEntries: 10, ttlMs: 1_000, now: clock });
    let loads = 0;
    const load = async () => ++loads;
    expect(await sut.getOrLoad("a", load)).toBe(1);
    now += 999;
    expect(await sut.getOrLoad("a", load)).toBe(1);
    now += 2;
    expect(await sut.getOrLoad("a", load)).toBe(2);
  });

  it("keeps at most maxEntries, dropping the least recently used", async () => {
    const sut = new GuardedCache<string, string>({ maxEntries: 2, now: clock });
    await sut.getOrLoad("a", async () => "A");
    await sut.getOrLoad("b", async () => "B");
    sut.get("a");
    await sut.getOrLoad("c", async () => "C");
    expect([sut.get("a"), sut.get("b"), sut.get("c")]).toEqual(["A", undefined, "C"]);
  });

  it("returns a value read while an invalidation happened once, and never stores it", async () => {
    const sut = new GuardedCache<string, string>({ maxEntries: 10, now: clock });
    let release!: () => void;
    const racing = sut.getOrLoad("key", () => new Promise<string>((resolve) => (release = () => resolve("stale"))));
    sut.invalidate("key");
    release();
    expect(await racing).toBe("stale");
    expect(sut.get("key")).toBeUndefined();
    expect(await sut.getOrLoad("key", async () => "fresh")).toBe("fresh");
    expect(sut.get("key")).toBe("fresh");
  });

  it("is bypassed while disabled: every read loads, nothing is kept", async () => {
    let enabled = false;
    const sut = new GuardedCache<string, number>({ maxEntries: 10, enabled: () => enabled, now: clock });
    let loads = 0;
    await sut.getOrLoad("a", async () => ++loads);
    await sut.getOrLoad("a", async () => ++loads);
    expect(loads).toBe(2);
    enabled = true;
    await sut.getOrLoad("a", async () => ++loads);
    await sut.getOrLoad("a", async () => ++loads);
    expect(loads).toBe(3);
  });

  it("does not remember a missing value (undefined)", async () => {
    const sut = new GuardedCache<string, number>({ maxEntries: 10, now: clock });
    let loads = 0;
    await sut.getOrLoad("a", async () => (loads++, undefined));
    await sut.getOrLoad("a", async () => (loads++, undefined));
    expect(loads).toBe(2);
  });
});
