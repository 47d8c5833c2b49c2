import { DEFAULT_RATE_LIMITS, type LimitSpend, MAX_WINDOWS, RateLimits } from "../../src/check/rate-limits";

describe("RateLimits", () => {
  const spend = (counter: string, limit: number, windowSeconds: number, cost = 1): LimitSpend => ({ name: counter, counter, limit, windowSeconds, cost });

  it("keeps its limiters bounded however many distinct (limit, window) pairs keys carry", async () => {
    const sut = new RateLimits(DEFAULT_RATE_LIMITS, undefined);
    for (let index = 0; index < 20_000; index++) {
      await sut.spendLimits([spend(`key-${index}`, 1 + (index % 997), 1 + (index % 86_400))]);
    }
    expect(sut.windowsInUse).toBeLessThanOrEqual(MAX_WINDOWS);
  });

  it("counts each counter against its own limit within a window, whatever the other counters' limits", async () => {
    const sut = new RateLimits(DEFAULT_RATE_LIMITS, undefined);
    const answers = [];
    for (let index = 0; index < 4; index++) answers.push((await sut.spendLimits([spend("small", 2, 60)])).allowed);
    expect(answers).toEqual([true, true, false, false]);
    expect((await sut.spendLimits([spend("large", 100, 60)])).outcomes).toEqual([expect.objectContaining({ limit: 100, remaining: 99, exceeded: false })]);
  });

  it("spends a cost, and spends nothing of any limit when one of them is exceeded", async () => {
    const sut = new RateLimits(DEFAULT_RATE_LIMITS, undefined);
    expect((await sut.spendLimits([spend("tokens", 10, 60, 7)])).outcomes[0]).toMatchObject({ remaining: 3, exceeded: false });
    const refused = await sut.spendLimits([spend("requests", 100, 60), spend("tokens", 10, 60, 4)]);
    expect(refused.allowed).toBe(false);
    expect(refused.outcomes).toEqual([
      expect.objectContaining({ name: "requests", remaining: 100, exceeded: false }),
      expect.objectContaining({ name: "tokens", remaining: 3, exceeded: true }),
    ]);
    expect((await sut.spendLimits([spend("requests", 100, 60), spend("tokens", 10, 60, 3)])).outcomes.map((outcome) => outcome.remaining)).toEqual([99, 0]);
  });

  it("gives a spent cost back on refund, and a cost of 0 spends nothing", async () => {
    const sut = new RateLimits(DEFAULT_RATE_LIMITS, undefined);
    const spent = await sut.spendLimits([spend("tokens", 10, 60, 6)]);
    expect(await spent.refund()).toEqual([expect.objectContaining({ remaining: 10 })]);
    expect((await sut.spendLimits([spend("tokens", 10, 60, 0)])).outcomes[0]).toMatchObject({ remaining: 10, exceeded: false });
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
