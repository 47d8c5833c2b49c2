import { type NamedLimit, limitUseErrors, namedLimitErrors, planLimits, validateNamedLimits } from "../../src/core/named-limits";

const limit = (name: string, overrides: Partial<NamedLimit> = {}): NamedLimit => ({ name, limit: 10, windowSeconds: 60, autoApply: true, ...overrides });

describe("planLimits", () => {
  it("applies the key's and the identity's auto-apply limits at cost 1", () => {
    expect(planLimits([limit("requests")], [limit("daily", { windowSeconds: 86_400 })], [])).toEqual([
      expect.objectContaining({ name: "daily", owner: "identity", cost: 1 }),
      expect.objectContaining({ name: "requests", owner: "key", cost: 1 }),
    ]);
  });

  it("lets a key's limit override its identity's limit of the same name", () => {
    expect(planLimits([limit("requests", { limit: 5 })], [limit("requests", { limit: 500 })], [])).toEqual([
      expect.objectContaining({ name: "requests", owner: "key", limit: 5 }),
    ]);
  });

  it("applies a limit that does not auto-apply only when the check names it, at the named cost", () => {
    const tokens = limit("tokens", { autoApply: false, limit: 1_000 });
    expect(planLimits([tokens], [], [])).toEqual([]);
    expect(planLimits([tokens], [], [{ name: "tokens", cost: 250 }])).toEqual([expect.objectContaining({ name: "tokens", cost: 250 })]);
  });

  it("applies a named auto-apply limit once, at the named cost", () => {
    expect(planLimits([limit("requests")], [], [{ name: "requests", cost: 3 }])).toEqual([expect.objectContaining({ name: "requests", cost: 3 })]);
  });

  it("ignores a name neither the key nor its identity has", () => {
    expect(planLimits([limit("requests")], [], [{ name: "nosuch", cost: 5 }])).toEqual([expect.objectContaining({ name: "requests", cost: 1 })]);
  });
});

describe("named limit validation", () => {
  it("reports every field at fault, by index", () => {
    const errors = namedLimitErrors([limit("Bad Name"), limit("ok", { limit: 0 }), limit("ok", { windowSeconds: 0 })], "rateLimits");
    expect(errors.map((error) => error.field)).toEqual(["rateLimits[0].name", "rateLimits[1].limit", "rateLimits[2].name", "rateLimits[2].windowSeconds"]);
  });

  it("sorts limits by name and keeps only their fields", () => {
    expect(validateNamedLimits([{ ...limit("b"), extra: 1 } as NamedLimit, limit("a")], "rateLimits").map((named) => Object.keys(named).length)).toEqual([4, 4]);
    expect(validateNamedLimits([limit("b"), limit("a")], "rateLimits").map((named) => named.name)).toEqual(["a", "b"]);
  });

  it("refuses a check naming a limit twice or with a negative cost", () => {
    expect(limitUseErrors([{ name: "tokens", cost: 1 }, { name: "tokens", cost: 2 }, { name: "other", cost: -1 }]).map((error) => error.field)).toEqual([
      "limits[1].name",
      "limits[2].cost",
    ]);
  });
});
