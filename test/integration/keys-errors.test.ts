import { createSubscription, createTenant, type TenantFixture } from "../support/factories";
import { CREATE_KEY, LIST_KEYS, REGENERATE_KEY, UPDATE_KEY, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";

const DAY = 24 * 60 * 60 * 1000;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString();

describe("key operations refuse bad input", () => {
  let sut: TestApp;
  let tenant: TenantFixture;

  beforeAll(async () => {
    sut = await startTestApp();
    tenant = await createTenant(sut.root);
  });
  afterAll(() => sut.close());

  /** Rows of the tenant that any key operation could write. */
  async function footprint(tenantId: string) {
    const [row] = await sut.app.dataSource.query(
      `SELECT (SELECT count(*) FROM api_keys WHERE tenant_id = $1)::int AS keys,
              (SELECT count(*) FROM permission_grants WHERE tenant_id = $1)::int AS grants,
              (SELECT count(*) FROM api_key_subscriptions WHERE tenant_id = $1)::int AS bindings,
              (SELECT count(*) FROM audit_events WHERE tenant_id = $1)::int AS events`,
      [tenantId],
    );
    return row;
  }

  async function expectRefused(document: string, input: Record<string, unknown>, field: string, client = tenant.admin, tenantId = tenant.id) {
    const before = await footprint(tenantId);
    const result = await client.request(document, { input });
    expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    expect(await footprint(tenantId)).toEqual(before);
    return result;
  }

  it("words every refusal alike: Invalid input, the field and the reason, never the field twice", async () => {
    const nested = await tenant.admin.request(CREATE_KEY, { input: { name: "x", rateLimit: { limit: 0, windowSeconds: 60 } } });
    expect(nested.errors?.[0].message).toBe("Invalid input: rateLimit.limit: must not be less than 1");
    const checkedByTheService = await tenant.admin.request(CREATE_KEY, { input: { name: "x", scopes: ["bad"] } });
    expect(checkedByTheService.errors?.[0].message).toBe("Invalid input: scopes[0]: must be *:*, *:read, ns:*, ns:read or ns:Operation");
  });

  describe("createApiKey", () => {
    it.each([
      ["an empty name", { name: "" }, "name"],
      ["a blank name", { name: "   " }, "name"],
      ["a name over 100 characters", { name: "n".repeat(101) }, "name"],
      ["a description over 500 characters", { description: "d".repeat(501) }, "description"],
      ["an expiry in the past", { expiresAt: inDays(-1) }, "expiresAt"],
      ["an expiry less than an hour ahead", { expiresAt: new Date(Date.now() + 30 * 60_000).toISOString() }, "expiresAt"],
      ["an expiry beyond the tenant's 365 days", { expiresAt: inDays(366) }, "expiresAt"],
      ["expiresInDays 0", { expiresInDays: 0 }, "expiresInDays"],
      ["expiresInDays beyond policy", { expiresInDays: 366 }, "expiresInDays"],
      ["both expiresAt and expiresInDays", { expiresAt: inDays(10), expiresInDays: 10 }, "expiresAt"],
      ["an unknown scope namespace", { scopes: ["example:read", "nosuch:read"] }, "scopes[1]"],
      ["an unknown operation", { scopes: ["example:Explode"] }, "scopes[0]"],
      ["ns:write as a grant", { scopes: ["example:write"] }, "scopes[0]"],
      ["a malformed scope", { scopes: ["a:b:c"] }, "scopes[0]"],
      ["*:* without an expiry", { scopes: ["*:*"] }, "scopes"],
      ["*:* beyond wildcardMaxTtlDays", { scopes: ["*:*"], expiresInDays: 8 }, "scopes"],
      ["a CIDR with too many bits", { allowedCidrs: ["10.0.0.0/33"] }, "allowedCidrs[0]"],
      ["an address that is not one", { allowedCidrs: ["127.0.0.1", "not-an-ip"] }, "allowedCidrs[1]"],
      ["an IPv6 prefix over 128", { allowedCidrs: ["::1/129"] }, "allowedCidrs[0]"],
      ["metadata over 4 kB", { metadata: { blob: "m".repeat(5000) } }, "metadata"],
      ["a subscription id that is not a UUID", { subscriptionIds: ["sub-1"] }, "subscriptionIds"],
      ["an unknown subscription", { subscriptionIds: ["00000000-0000-7000-8000-0000000000aa"] }, "subscriptionIds[0]"],
    ])("refuses %s, naming the field, writing nothing", async (_case, input, field) => {
      const result = await expectRefused(CREATE_KEY, { name: "Valid name", ...input }, field);
      for (const value of Object.values(input).flat()) {
        if (typeof value === "string" && value.length > 3 && !value.includes("*")) expect(result.text).not.toContain(value);
      }
    });

    it("accepts the inclusive limits: expiresInDays 365, and *:* with expiresInDays 7", async () => {
      await createKey(tenant.admin, { expiresInDays: 365 });
      await createKey(tenant.admin, { scopes: ["*:*"], expiresInDays: 7 });
    });

    it("holds the tenant's own policy: a shorter maxTtlDays and a required expiry", async () => {
      const strict = await createTenant(sut.root, { policy: { maxTtlDays: 30, requireExpiry: true } });
      await expectRefused(CREATE_KEY, { name: "x" }, "expiresAt", strict.admin, strict.id);
      await expectRefused(CREATE_KEY, { name: "x", expiresInDays: 31 }, "expiresInDays", strict.admin, strict.id);
      await expectRefused(CREATE_KEY, { name: "x", expiresAt: inDays(30.5) }, "expiresAt", strict.admin, strict.id);
      await createKey(strict.admin, { expiresInDays: 30 });
    });

    it("refuses a subscription of another tenant, an inactive one, and grants above a ceiling", async () => {
      const other = await createTenant(sut.root);
      const foreign = await createSubscription(sut.root, other.id);
      await expectRefused(CREATE_KEY, { name: "x", subscriptionIds: [foreign.id] }, "subscriptionIds[0]");

      const suspended = await createSubscription(sut.root, tenant.id);
      await sut.root.ok(`mutation ($id: ID!) { setSubscriptionStatus(input: { id: $id, status: SUSPENDED }) { subscription { id } } }`, {
        id: suspended.id,
      });
      await expectRefused(CREATE_KEY, { name: "x", subscriptionIds: [suspended.id] }, "subscriptionIds[0]");

      const capped = await createSubscription(sut.root, tenant.id, { scopeCeiling: ["example:read"] });
      await expectRefused(CREATE_KEY, { name: "x", subscriptionIds: [capped.id], scopes: ["example:CreateItem"] }, "scopes");
      await createKey(tenant.admin, { subscriptionIds: [capped.id], scopes: ["example:GetItem"] });
    });
  });

  describe("updateApiKey and regenerateApiKey", () => {
    it.each([
      ["a blank name", { name: " " }, "name"],
      ["an expiry in the past", { expiresAt: inDays(-2) }, "expiresAt"],
      ["an unknown scope", { scopes: ["nosuch:*"] }, "scopes[0]"],
      ["a bad CIDR", { allowedCidrs: ["300.1.1.1"] }, "allowedCidrs[0]"],
      ["oversized metadata", { metadata: { blob: "m".repeat(5000) } }, "metadata"],
      ["*:* on a key that never expires", { scopes: ["*:*"] }, "scopes"],
    ])("refuses %s and leaves the key unchanged", async (_case, input, field) => {
      const key = await createKey(tenant.admin, { name: "unchanged", scopes: ["example:read"] });
      const before = await sut.app.dataSource.query("SELECT * FROM api_keys WHERE id = $1", [key.id]);
      await expectRefused(UPDATE_KEY, { id: key.id, ...input }, field);
      expect(await sut.app.dataSource.query("SELECT * FROM api_keys WHERE id = $1", [key.id])).toEqual(before);
    });

    it.each([-1, 604_801])("refuses a grace period of %s seconds", async (gracePeriodSeconds) => {
      const key = await createKey(tenant.admin);
      await expectRefused(REGENERATE_KEY, { id: key.id, gracePeriodSeconds }, "gracePeriodSeconds");
    });
  });

  describe("ids, pages and cursors", () => {
    it.each([
      ["apiKey", `query { apiKey(id: "nope") { id } }`],
      ["updateApiKey", `mutation { updateApiKey(input: { id: "nope", name: "x" }) { apiKey { id } } }`],
      ["enableApiKey", `mutation { enableApiKey(input: { id: "nope" }) { apiKey { id } } }`],
      ["disableApiKey", `mutation { disableApiKey(input: { id: "nope" }) { apiKey { id } } }`],
      ["revokeApiKey", `mutation { revokeApiKey(input: { id: "nope" }) { apiKey { id } } }`],
      ["regenerateApiKey", `mutation { regenerateApiKey(input: { id: "nope" }) { secret } }`],
      ["apiKeys with first over 100", `query { apiKeys(first: 101) { nodes { id } } }`],
      ["apiKeys with a forged cursor", `query { apiKeys(after: "bm90LWEtY3Vyc29y") { nodes { id } } }`],
      ["auditEvents with a forged cursor", `query { auditEvents(after: "W10") { nodes { id } } }`],
    ])("%s answers BAD_USER_INPUT", async (_operation, document) => {
      expect(await tenant.admin.code(document)).toBe("BAD_USER_INPUT");
    });

    it("refuses a cursor from another sort order", async () => {
      await createKey(tenant.admin, { name: "cursor a" });
      await createKey(tenant.admin, { name: "cursor b" });
      const { apiKeys } = await tenant.admin.ok(LIST_KEYS, { first: 1, orderBy: { field: "EXPIRES_AT", direction: "ASC" } });
      const result = await tenant.admin.request(LIST_KEYS, { first: 1, after: apiKeys.pageInfo.endCursor, orderBy: { field: "NAME", direction: "ASC" } });
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    });
  });
});
