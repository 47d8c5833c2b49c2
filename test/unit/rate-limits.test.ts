import { DEFAULT_RATE_LIMITS, MAX_WINDOWS, RateLimits } from "../../src/check/rate-limits";

describe("RateLimits", () => {
  it("keeps its limiters bounded however many distinct (limit, window) pairs keys carry", async () => {
    const sut = new RateLimits(DEFAULT_RATE_LIMITS, undefined);
    for (let index = 0; index < 20_000; index++) {
      await sut.consumeKey(`key-${index}`, 1 + (index % 997), 1 + (index % 86_400));
    }
    expect(sut.windowsInUse).toBeLessThanOrEqual(MAX_WINDOWS);
  });

  it("counts each key against its own limit within a window, whatever the other keys' limits", async () => {
    const sut = new RateLimits(DEFAULT_RATE_LIMITS, undefined);
    const answers = [];
    for (let index = 0; index < 4; index++) answers.push((await sut.consumeKey("small", 2, 60)).allowed);
    expect(answers).toEqual([true, true, false, false]);
    expect((await sut.consumeKey("large", 100, 60)).state).toMatchObject({ limit: 100, remaining: 99 });
  });

  it("gives a sender's failure budget out and then refuses, telling how long to wait", async () => {
    const sut = new RateLimits({ ...DEFAULT_RATE_LIMITS, failedChecksPerMinute: 2 }, undefined);
    const budget = sut.failedChecks("caller", "192.0.2.1");
    expect(await budget.exhausted()).toBeUndefined();
    expect([await budget.spend(), await budget.spend()]).toEqual([undefined, undefined]);
    expect(await budget.spend()).toBeGreaterThan(0);
    expect(await budget.exhausted()).toBeGreaterThan(0);
    expect(await sut.failedChecks("caller", "192.0.2.2").exhausted()).toBeUndefined();
  });
});
