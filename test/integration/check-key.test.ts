import { CHECK, backendOf, checkKey } from "../support/checks";
import { unknownKey, withWrongSecret } from "../support/forged-keys";
import { createSubscription, createTenant, type TenantFixture } from "../support/factories";
import { DISABLE_KEY, REGENERATE_KEY, REVOKE_KEY, UPDATE_KEY, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";

const DEFINE = `mutation ($input: DefineNamespaceInput!) { defineNamespace(input: $input) { namespace { id name operations { name access } } } }`;

describe("checkKey", () => {
  let sut: TestApp;
  let tenant: TenantFixture;
  /** A backend of the tenant that only verifies. */
  let backend: TestApp["client"];

  beforeAll(async () => {
    sut = await startTestApp();
    tenant = await createTenant(sut.root);
    await tenant.admin.ok(DEFINE, {
      input: {
        name: "messaging",
        description: "Chat API",
        operations: [
          { name: "ListChannels", access: "READ" },
          { name: "GetChannel", access: "READ" },
          { name: "SendMessage", access: "WRITE" },
        ],
      },
    });
    backend = await backendOf(tenant);
  });
  afterAll(() => sut.close());

  const check = (input: Record<string, unknown>, client = backend) => checkKey(client, input);

  describe("answers", () => {
    it("VALID with the key's details and the matched scopes, in the order required, without repeats", async () => {
      const key = await createKey(tenant.admin, {
        name: "mobile app",
        externalId: "user-7",
        metadata: { plan: "pro" },
        scopes: ["messaging:read", "messaging:SendMessage"],
        expiresInDays: 30,
      });
      const result = await check({ key: key.secret, scopes: ["messaging:ListChannels", "messaging:SendMessage", "messaging:GetChannel"] });
      expect(result).toMatchObject({
        valid: true,
        allowed: true,
        code: "VALID",
        keyId: key.id,
        tenantId: tenant.id,
        name: "mobile app",
        externalId: "user-7",
        metadata: { plan: "pro" },
        expiresAt: key.apiKey.expiresAt,
        grants: ["messaging:SendMessage", "messaging:read"],
        matchedScopes: ["messaging:read", "messaging:SendMessage"],
        missingScopes: [],
        subscriptionIds: [],
        rateLimit: null,
      });
    });

    it("FORBIDDEN when a required scope is not granted, listing what is missing", async () => {
      const key = await createKey(tenant.admin, { scopes: ["messaging:read"] });
      const result = await check({ key: key.secret, scopes: ["messaging:GetChannel", "messaging:SendMessage"] });
      expect(result).toMatchObject({ valid: true, allowed: false, code: "FORBIDDEN", matchedScopes: ["messaging:read"], missingScopes: ["messaging:SendMessage"] });
    });

    it("in ANY mode, allows when one required scope is granted", async () => {
      const key = await createKey(tenant.admin, { scopes: ["messaging:read"] });
      const result = await check({ key: key.secret, scopes: ["messaging:SendMessage", "messaging:ListChannels"], mode: "ANY" });
      expect(result).toMatchObject({ allowed: true, code: "VALID", matchedScopes: ["messaging:read"], missingScopes: ["messaging:SendMessage"] });
    });

    it("UNKNOWN_SCOPE for a scope the catalog does not know, in either mode, never allowed", async () => {
      const key = await createKey(tenant.admin, { scopes: ["*:*"], expiresInDays: 7 });
      for (const mode of ["ALL", "ANY"]) {
        const result = await check({ key: key.secret, scopes: ["messaging:ListChannels", "messaging:Nope"], mode });
        expect(result).toMatchObject({ valid: true, allowed: false, code: "UNKNOWN_SCOPE" });
        expect(result.missingScopes).toContain("messaging:Nope");
      }
    });

    it("MALFORMED for garbage and typos, with no details", async () => {
      const key = await createKey(tenant.admin);
      const typo = key.secret.slice(0, 10) + (key.secret[10] === "a" ? "b" : "a") + key.secret.slice(11);
      for (const presented of ["", "hello", typo, `${key.secret}x`, "x".repeat(10_000)]) {
        expect(await check({ key: presented })).toMatchObject({ valid: false, allowed: false, code: "MALFORMED", keyId: null, grants: [] });
      }
    });

    it("NOT_FOUND for an unknown key, a wrong secret and another tenant's key, with no details", async () => {
      const key = await createKey(tenant.admin);
      const unknown = unknownKey("check");
      const wrongSecret = withWrongSecret(key.secret);
      const other = await createTenant(sut.root);
      const othersKey = await createKey(other.admin);
      for (const presented of [unknown, wrongSecret, othersKey.secret]) {
        expect(await check({ key: presented, scopes: ["messaging:read", "messaging:read"] })).toMatchObject({
          valid: false,
          code: "NOT_FOUND",
          keyId: null,
          tenantId: null,
          name: null,
          grants: [],
          matchedScopes: [],
          missingScopes: ["messaging:read"],
        });
      }
    });

    it("REVOKED, EXPIRED and DISABLED", async () => {
      const revoked = await createKey(tenant.admin);
      await tenant.admin.ok(REVOKE_KEY, { input: { id: revoked.id } });
      expect((await check({ key: revoked.secret })).code).toBe("REVOKED");

      const expired = await createKey(tenant.admin, { expiresInDays: 1 });
      await sut.app.dataSource.query("UPDATE api_keys SET expires_at = $2 WHERE id = $1", [expired.id, new Date(Date.now() - 1000)]);
      sut.app.services.store.flush();
      expect((await check({ key: expired.secret })).code).toBe("EXPIRED");

      const disabled = await createKey(tenant.admin);
      await tenant.admin.ok(DISABLE_KEY, { input: { id: disabled.id } });
      expect((await check({ key: disabled.secret })).code).toBe("DISABLED");
    });

    it("TENANT_SUSPENDED for a suspended tenant's keys, and its backend still gets answers", async () => {
      const suspended = await createTenant(sut.root);
      const key = await createKey(suspended.admin, { scopes: ["example:read"] });
      const suspendedBackend = await backendOf(suspended);
      await sut.root.ok(`mutation ($id: ID!) { suspendTenant(input: { id: $id }) { tenant { id } } }`, { id: suspended.id });
      expect((await check({ key: key.secret, scopes: ["example:ListItems"] }, suspendedBackend)).code).toBe("TENANT_SUSPENDED");
      expect(await suspendedBackend.code(`{ apiKeys { nodes { id } } }`)).toBe("FORBIDDEN");
      await sut.root.ok(`mutation ($id: ID!) { resumeTenant(input: { id: $id }) { tenant { id } } }`, { id: suspended.id });
      expect((await check({ key: key.secret, scopes: ["example:ListItems"] }, suspendedBackend)).code).toBe("VALID");
    });

    it("SUBSCRIPTION_MISMATCH and SUBSCRIPTION_INACTIVE", async () => {
      const bound = await createSubscription(sut.root, tenant.id);
      const unbound = await createSubscription(sut.root, tenant.id);
      const key = await createKey(tenant.admin, { subscriptionIds: [bound.id] });
      expect((await check({ key: key.secret, subscriptionId: bound.id })).code).toBe("VALID");
      expect((await check({ key: key.secret })).code).toBe("VALID");
      expect((await check({ key: key.secret, subscriptionId: unbound.id })).code).toBe("SUBSCRIPTION_MISMATCH");

      const setStatus = `mutation ($id: ID!, $status: SubscriptionStatus!) { setSubscriptionStatus(input: { id: $id, status: $status }) { subscription { id } } }`;
      await sut.root.ok(setStatus, { id: bound.id, status: "SUSPENDED" });
      expect((await check({ key: key.secret, subscriptionId: bound.id })).code).toBe("SUBSCRIPTION_INACTIVE");
      expect((await check({ key: key.secret })).code).toBe("SUBSCRIPTION_INACTIVE");
      await sut.root.ok(setStatus, { id: bound.id, status: "ACTIVE" });
      expect((await check({ key: key.secret })).code).toBe("VALID");
      const unboundKey = await createKey(tenant.admin);
      expect((await check({ key: unboundKey.secret })).code).toBe("VALID");
    });

    it("IP_NOT_ALLOWED outside the allowlist (IPv4, IPv6, LOCAL_ONLY), failing closed without a clientIp", async () => {
      const v4 = await createKey(tenant.admin, { allowedCidrs: ["203.0.113.0/24"] });
      expect((await check({ key: v4.secret, clientIp: "203.0.113.9" })).code).toBe("VALID");
      expect((await check({ key: v4.secret, clientIp: "::ffff:203.0.113.9" })).code).toBe("VALID");
      const outside = await check({ key: v4.secret, clientIp: "198.51.100.1" });
      expect(outside).toMatchObject({ valid: false, code: "IP_NOT_ALLOWED", keyId: null, name: null, grants: [] });
      expect((await check({ key: v4.secret })).code).toBe("IP_NOT_ALLOWED");

      const v6 = await createKey(tenant.admin, { allowedCidrs: ["2001:db8::/32"] });
      expect((await check({ key: v6.secret, clientIp: "2001:db8::1" })).code).toBe("VALID");
      expect((await check({ key: v6.secret, clientIp: "2001:db9::1" })).code).toBe("IP_NOT_ALLOWED");

      const local = await createKey(tenant.admin, { allowedCidrs: ["LOCAL_ONLY"] });
      for (const address of ["127.0.0.1", "127.8.9.10", "::1"]) expect((await check({ key: local.secret, clientIp: address })).code).toBe("VALID");
      expect((await check({ key: local.secret, clientIp: "10.0.0.1" })).code).toBe("IP_NOT_ALLOWED");
    });

    it("checks the network right after the secret: a revoked key outside the allowlist says only IP_NOT_ALLOWED", async () => {
      const key = await createKey(tenant.admin, { allowedCidrs: ["10.0.0.0/8"] });
      await tenant.admin.ok(REVOKE_KEY, { input: { id: key.id } });
      expect((await check({ key: key.secret, clientIp: "192.0.2.1" })).code).toBe("IP_NOT_ALLOWED");
      expect((await check({ key: key.secret, clientIp: "10.1.2.3" })).code).toBe("REVOKED");
    });
  });

  describe("changes take effect at once", () => {
    it("after a scope is removed and after a regeneration", async () => {
      const key = await createKey(tenant.admin, { scopes: ["messaging:*"] });
      expect((await check({ key: key.secret, scopes: ["messaging:SendMessage"] })).code).toBe("VALID");
      await tenant.admin.ok(UPDATE_KEY, { input: { id: key.id, scopes: ["messaging:read"] } });
      expect((await check({ key: key.secret, scopes: ["messaging:SendMessage"] })).code).toBe("FORBIDDEN");
      await tenant.admin.ok(REGENERATE_KEY, { input: { id: key.id, gracePeriodSeconds: 0 } });
      expect((await check({ key: key.secret })).code).toBe("REVOKED");
    });
  });

  describe("errors and security", () => {
    it("requires keys:verify: the tenant admin and keys:read holders may check; keys:list alone and wildcards may not", async () => {
      const key = await createKey(tenant.admin);
      const lister = tenant.admin.as((await createKey(tenant.admin, { scopes: ["keys:list"] })).secret);
      expect(await lister.code(CHECK, { input: { key: key.secret } })).toBe("FORBIDDEN");
      const reader = tenant.admin.as((await createKey(tenant.admin, { scopes: ["keys:read"] })).secret);
      expect((await check({ key: key.secret }, reader)).code).toBe("VALID");
      const wildcard = tenant.admin.as((await createKey(tenant.admin, { scopes: ["*:*"], expiresInDays: 7 })).secret);
      expect(await wildcard.code(CHECK, { input: { key: key.secret } })).toBe("FORBIDDEN");
      expect(await sut.client.code(CHECK, { input: { key: key.secret } })).toBe("UNAUTHENTICATED");
    });

    it("lets root check any tenant's key, or only one tenant's with tenantId", async () => {
      const key = await createKey(tenant.admin);
      expect((await check({ key: key.secret }, sut.root)).code).toBe("VALID");
      const other = await createTenant(sut.root);
      expect((await check({ key: key.secret, tenantId: other.id }, sut.root)).code).toBe("NOT_FOUND");
    });

    it("refuses a bad clientIp or subscriptionId as BAD_USER_INPUT, not as a key problem", async () => {
      const key = await createKey(tenant.admin);
      expect(await backend.code(CHECK, { input: { key: key.secret, clientIp: "not-an-ip" } })).toBe("BAD_USER_INPUT");
      expect(await backend.code(CHECK, { input: { key: key.secret, subscriptionId: "nope" } })).toBe("BAD_USER_INPUT");
    });
  });
});
