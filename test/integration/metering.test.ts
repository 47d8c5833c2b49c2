import { CHECK, backendOf } from "../support/checks";
import { createTenant, type TenantFixture } from "../support/factories";
import { UPDATE_IDENTITY, createIdentity } from "../support/identity-operations";
import { CREATE_KEY, REGENERATE_KEY, UPDATE_KEY, createKey } from "../support/key-operations";
import { countCodes, restCheck } from "../support/rest-checks";
import { type TestApp, startTestApp } from "../support/test-app";
import { testDatabase } from "../support/test-database";

const limit = (name: string, limit: number, extra: Record<string, unknown> = {}) => ({ name, limit, windowSeconds: 3_600, ...extra });

describe("named rate limits and credits, on one instance", () => {
  let sut: TestApp;
  let tenant: TenantFixture;
  let backendKey: string;
  /** Moved by the tests that need time to pass (credit refills); otherwise the real time. */
  let offsetMs = 0;
  beforeAll(async () => {
    sut = await startTestApp({ clock: () => Date.now() + offsetMs });
    tenant = await createTenant(sut.root);
    backendKey = (await backendOf(tenant)).key;
  });
  afterAll(() => sut.close());
  afterEach(() => {
    offsetMs = 0;
  });

  const check = (key: string, body: Record<string, unknown> = {}) => restCheck(sut.app.url, backendKey, { key, ...body });
  const remainingInDatabase = async (keyId: string) =>
    Number((await sut.app.dataSource.query("SELECT credits_remaining FROM api_keys WHERE id = $1", [keyId]))[0].credits_remaining);

  describe("named limits", () => {
    it("applies an auto-apply limit to every check and answers RATE_LIMITED past it, saying which", async () => {
      const key = await createKey(tenant.admin, { rateLimits: [limit("requests", 2)] });
      const answers = [await check(key.secret), await check(key.secret), await check(key.secret)];
      expect(answers.map((answer) => answer.code)).toEqual(["VALID", "VALID", "RATE_LIMITED"]);
      expect(answers[2]).toMatchObject({ valid: true, allowed: false, rateLimits: [{ name: "requests", limit: 2, remaining: 0, exceeded: true }] });
      expect(Date.parse(answers[2].rateLimits[0].resetAt)).toBeGreaterThan(Date.now());
    });

    it("applies a limit that does not auto-apply only when the check names it, at the named cost", async () => {
      const key = await createKey(tenant.admin, { rateLimits: [limit("tokens", 100, { autoApply: false })] });
      expect((await check(key.secret)).rateLimits).toEqual([]);
      expect((await check(key.secret, { limits: [{ name: "tokens", cost: 60 }] })).rateLimits).toEqual([expect.objectContaining({ name: "tokens", remaining: 40 })]);
      const over = await check(key.secret, { limits: [{ name: "tokens", cost: 50 }] });
      expect(over).toMatchObject({ code: "RATE_LIMITED", rateLimits: [{ name: "tokens", remaining: 40, exceeded: true }] });
      expect(await check(key.secret, { limits: [{ name: "tokens", cost: 40 }] })).toMatchObject({ code: "VALID", rateLimits: [{ remaining: 0, exceeded: false }] });
    });

    it("spends nothing of any limit when one of them is exceeded", async () => {
      const key = await createKey(tenant.admin, { rateLimits: [limit("requests", 100), limit("tokens", 10, { autoApply: false })] });
      const refused = await check(key.secret, { limits: [{ name: "tokens", cost: 11 }] });
      expect(refused.code).toBe("RATE_LIMITED");
      expect(refused.rateLimits).toEqual([expect.objectContaining({ name: "requests", remaining: 100, exceeded: false }), expect.objectContaining({ name: "tokens", exceeded: true })]);
      expect((await check(key.secret)).rateLimits).toEqual([expect.objectContaining({ name: "requests", remaining: 99 })]);
    });

    it("shares an identity's limit between all its keys, and lets a key's own limit of that name override it", async () => {
      const identity = await createIdentity(tenant.admin, { rateLimits: [limit("requests", 3)] });
      const first = await createKey(tenant.admin, { identityId: identity.id });
      const second = await createKey(tenant.admin, { identityId: identity.id });
      const own = await createKey(tenant.admin, { identityId: identity.id, rateLimits: [limit("requests", 10)] });
      const codes = [];
      for (const key of [first, second, first, second]) codes.push((await check(key.secret)).code);
      expect(codes).toEqual(["VALID", "VALID", "VALID", "RATE_LIMITED"]);
      expect(await check(own.secret)).toMatchObject({ code: "VALID", rateLimits: [{ name: "requests", limit: 10, remaining: 9 }] });
    });

    it("applies an identity's changed limits at the next check", async () => {
      const identity = await createIdentity(tenant.admin, { rateLimits: [limit("requests", 1)] });
      const key = await createKey(tenant.admin, { identityId: identity.id });
      await check(key.secret);
      expect((await check(key.secret)).code).toBe("RATE_LIMITED");
      await tenant.admin.ok(UPDATE_IDENTITY, { input: { id: identity.id, rateLimits: [limit("requests", 5)] } });
      expect(await check(key.secret)).toMatchObject({ code: "VALID", rateLimits: [{ limit: 5 }] });
    });

    it("spends no limit on a check refused before the limits (FORBIDDEN)", async () => {
      const key = await createKey(tenant.admin, { scopes: ["example:read"], rateLimits: [limit("requests", 1)] });
      expect((await check(key.secret, { scopes: ["example:CreateItem"] })).code).toBe("FORBIDDEN");
      expect((await check(key.secret, { scopes: ["example:ListItems"] })).code).toBe("VALID");
    });

    it("keeps the deprecated single rateLimit working as the limit named default, over GraphQL and REST", async () => {
      const key = await createKey(tenant.admin, { rateLimit: { limit: 5, windowSeconds: 60 } });
      expect(key.apiKey).toMatchObject({ rateLimit: { limit: 5, windowSeconds: 60 }, rateLimits: [{ name: "default", limit: 5, windowSeconds: 60, autoApply: true }] });
      const backend = sut.client.as(backendKey);
      const { checkKey } = await backend.ok(CHECK, { input: { key: key.secret } });
      expect(checkKey.rateLimit).toMatchObject({ limit: 5, remaining: 4 });
      expect((await check(key.secret)).rateLimit).toMatchObject({ limit: 5, remaining: 3 });
      const { updateApiKey } = await tenant.admin.ok(UPDATE_KEY, { input: { id: key.id, rateLimit: null } });
      expect(updateApiKey.apiKey).toMatchObject({ rateLimit: null, rateLimits: [] });
    });

    it("reports every bad limit field, and a check naming a limit twice or at a negative cost", async () => {
      const answer = await tenant.admin.request(CREATE_KEY, { input: { name: "bad", rateLimits: [limit("a", 0), limit("a", 1), limit("UPPER", 1)] } });
      expect((answer.errors?.[0].extensions?.fields as Array<{ field: string }>).map((field) => field.field)).toEqual([
        "rateLimits[0].limit",
        "rateLimits[1].name",
        "rateLimits[2].name",
      ]);
      const key = await createKey(tenant.admin);
      const response = await fetch(`${sut.app.url}/v1/keys.check`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${backendKey}` },
        body: JSON.stringify({ key: key.secret, limits: [{ name: "x" }, { name: "x" }], cost: 2 }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as any).error.fields).toEqual([{ field: "limits[1].name", message: expect.any(String) }]);
      expect(await sut.client.as(backendKey).code(CHECK, { input: { key: key.secret, cost: -1 } })).toBe("BAD_USER_INPUT");
    });
  });

  describe("credits", () => {
    it("spends exactly the credits a key holds: 300 concurrent checks on 100 credits give 100 VALID", async () => {
      const key = await createKey(tenant.admin, { credits: { remaining: 100 } });
      await check(key.secret, { cost: 0 });
      const answers = await Promise.all(Array.from({ length: 300 }, () => check(key.secret)));
      expect(countCodes(answers)).toEqual({ VALID: 100, USAGE_EXCEEDED: 200 });
      expect(answers.filter((answer) => answer.code === "VALID").map((answer) => answer.creditsRemaining).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 100 }, (_, index) => index),
      );
      expect(await remainingInDatabase(key.id)).toBe(0);
    });

    it("spends each check's cost, refuses a cost larger than what remains, and lets a cost of 0 through", async () => {
      const key = await createKey(tenant.admin, { credits: { remaining: 8 } });
      expect(await check(key.secret, { cost: 5 })).toMatchObject({ code: "VALID", creditsRemaining: 3 });
      expect(await check(key.secret, { cost: 5 })).toMatchObject({ code: "USAGE_EXCEEDED", valid: true, allowed: false, creditsRemaining: 3 });
      expect(await check(key.secret, { cost: 3 })).toMatchObject({ code: "VALID", creditsRemaining: 0 });
      expect(await check(key.secret, { cost: 0 })).toMatchObject({ code: "VALID", creditsRemaining: 0 });
    });

    it("spends no credits on a check refused by a rate limit, and no limit on a check refused for credits", async () => {
      const limited = await createKey(tenant.admin, { credits: { remaining: 10 }, rateLimits: [limit("requests", 1)] });
      expect(await check(limited.secret)).toMatchObject({ code: "VALID", creditsRemaining: 9 });
      expect((await check(limited.secret)).code).toBe("RATE_LIMITED");
      expect(await remainingInDatabase(limited.id)).toBe(9);

      const poor = await createKey(tenant.admin, { credits: { remaining: 1 }, rateLimits: [limit("requests", 5)] });
      expect(await check(poor.secret)).toMatchObject({ code: "VALID", rateLimits: [{ remaining: 4 }] });
      expect(await check(poor.secret)).toMatchObject({ code: "USAGE_EXCEEDED", rateLimits: [{ remaining: 4, exceeded: false }] });
      expect(await check(poor.secret, { cost: 0 })).toMatchObject({ code: "VALID", rateLimits: [{ remaining: 3 }] });
    });

    it("spends no credits on a check refused before them (FORBIDDEN, DISABLED)", async () => {
      const key = await createKey(tenant.admin, { scopes: ["example:read"], credits: { remaining: 5 } });
      expect((await check(key.secret, { scopes: ["example:CreateItem"] })).code).toBe("FORBIDDEN");
      await tenant.admin.ok(`mutation ($input: DisableApiKeyInput!) { disableApiKey(input: $input) { apiKey { id } } }`, { input: { id: key.id } });
      expect((await check(key.secret)).code).toBe("DISABLED");
      expect(await remainingInDatabase(key.id)).toBe(5);
    });

    it("refills daily at 00:00 UTC, once, applied at the next check", async () => {
      const key = await createKey(tenant.admin, { credits: { remaining: 1, refill: { amount: 5, interval: "DAILY" } } });
      expect((await check(key.secret)).creditsRemaining).toBe(0);
      expect((await check(key.secret)).code).toBe("USAGE_EXCEEDED");
      const now = Date.now();
      const nextMidnight = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + 1);
      offsetMs = nextMidnight + 1_000 - now;
      expect(await check(key.secret)).toMatchObject({ code: "VALID", creditsRemaining: 4 });
      offsetMs += 6 * 60 * 60 * 1000;
      expect(await check(key.secret)).toMatchObject({ code: "VALID", creditsRemaining: 3 });
    });

    it("refills monthly on the day given, clamped to the month's length", async () => {
      const key = await createKey(tenant.admin, { credits: { remaining: 0, refill: { amount: 50, interval: "MONTHLY", dayOfMonth: 31 } } });
      expect((await check(key.secret)).code).toBe("USAGE_EXCEEDED");
      // The next last day of a month (31 clamps to 30, 29 or 28), just after midnight.
      const today = new Date();
      const lastDay = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 0);
      const refillAt = lastDay > Date.now() ? lastDay : Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 2, 0);
      offsetMs = refillAt + 1_000 - Date.now();
      expect(await check(key.secret)).toMatchObject({ code: "VALID", creditsRemaining: 49 });
    });

    it("sets or adds to a key's credits, audited as KEY_UPDATED, and removing them lets every check through", async () => {
      const key = await createKey(tenant.admin, { credits: { remaining: 2 } });
      await tenant.admin.ok(UPDATE_KEY, { input: { id: key.id, credits: { add: 10 } } });
      expect(await check(key.secret)).toMatchObject({ creditsRemaining: 11 });
      const { updateApiKey } = await tenant.admin.ok(UPDATE_KEY, { input: { id: key.id, credits: { remaining: 1, refill: { amount: 7, interval: "MONTHLY" } } } });
      expect(updateApiKey.apiKey.credits).toEqual({ remaining: 1, refill: { amount: 7, interval: "MONTHLY", dayOfMonth: 1 } });
      const events = await sut.app.dataSource.query("SELECT changes FROM audit_events WHERE target_id = $1 AND action = 'KEY_UPDATED' ORDER BY at, id", [key.id]);
      expect(events.map((event: { changes: Record<string, unknown> }) => event.changes.creditsRemaining)).toEqual([
        { before: 2, after: 12 },
        { before: 11, after: 1 },
      ]);
      await tenant.admin.ok(UPDATE_KEY, { input: { id: key.id, credits: null } });
      expect(await check(key.secret)).toMatchObject({ code: "VALID", creditsRemaining: null });
      expect(await tenant.admin.code(UPDATE_KEY, { input: { id: key.id, credits: { remaining: 1, add: 1 } } })).toBe("BAD_USER_INPUT");
      expect(await tenant.admin.code(CREATE_KEY, { input: { name: "x", credits: { remaining: -1 } } })).toBe("BAD_USER_INPUT");
    });

    it("lets a regenerated key spend its successor's credits during the grace period: one pool, never two", async () => {
      const key = await createKey(tenant.admin, { credits: { remaining: 10 } });
      const { regenerateApiKey } = await tenant.admin.ok(REGENERATE_KEY, { input: { id: key.id, gracePeriodSeconds: 3_600 } });
      expect(regenerateApiKey.apiKey.credits).toEqual({ remaining: 10, refill: null });
      expect(await check(key.secret)).toMatchObject({ code: "VALID", creditsRemaining: 9 });
      expect(await check(regenerateApiKey.secret)).toMatchObject({ code: "VALID", creditsRemaining: 8 });
      expect(await remainingInDatabase(regenerateApiKey.apiKey.id)).toBe(8);
    });

    it("costs a key without credits or limits no database work", async () => {
      const key = await createKey(tenant.admin);
      const backend = sut.client.as(backendKey);
      await backend.ok(CHECK, { input: { key: key.secret } });
      const warm = await backend.request(CHECK, { input: { key: key.secret } });
      expect(sut.app.requestWork(warm.requestId!)).toEqual({ queries: 0, bcryptCompares: 0 });
    });
  });
});

describe("credits across a restart", () => {
  it("keeps what was spent: a new instance on the same database continues from there", async () => {
    const database = testDatabase();
    const first = await startTestApp({ database });
    const tenant = await createTenant(first.root);
    const backendKey = (await backendOf(tenant)).key;
    const key = await createKey(tenant.admin, { credits: { remaining: 10 } });
    for (let spent = 0; spent < 3; spent++) await restCheck(first.app.url, backendKey, { key: key.secret });
    await first.close();
    const second = await startTestApp({ database });
    try {
      expect(await restCheck(second.app.url, backendKey, { key: key.secret })).toMatchObject({ code: "VALID", creditsRemaining: 6 });
    } finally {
      await second.close();
    }
  });
});
