import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { DEFAULT_RATE_LIMITS } from "../../src/check/rate-limits";
import { CHECK, backendOf } from "../support/checks";
import { createSubscription, createTenant, type TenantFixture } from "../support/factories";
import { unknownKey, withWrongSecret } from "../support/forged-keys";
import { DISABLE_KEY, REVOKE_KEY, createKey } from "../support/key-operations";
import { TcpProxy } from "../support/tcp-proxy";
import { type TestApp, startTestApp } from "../support/test-app";
import { testDatabase } from "../support/test-database";

interface RestAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** POST /v1/keys.check as a backend sends it. */
async function restCheck(sut: TestApp, credential: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<RestAnswer> {
  const response = await fetch(`${sut.app.url}/v1/keys.check`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const noStack = (answer: RestAnswer) => expect(JSON.stringify(answer.body)).not.toMatch(/\n\s+at |\.ts:\d+|stack/);

describe("POST /v1/keys.check", () => {
  let sut: TestApp;
  let tenant: TenantFixture;
  let backend: Awaited<ReturnType<typeof backendOf>>;
  beforeAll(async () => {
    sut = await startTestApp();
    tenant = await createTenant(sut.root);
    backend = await backendOf(tenant);
  });
  afterAll(() => sut.close());

  /** The same input asked over GraphQL and over REST: the same answer, field for field. */
  async function bothWays(input: Record<string, unknown>, client = backend) {
    const graphql = (await client.ok(CHECK, { input })).checkKey;
    const rest = await restCheck(sut, client === backend ? backend.key : (client as unknown as { key: string }).key, input);
    expect(rest.status).toBe(200);
    return { graphql, rest: rest.body };
  }

  describe("answers exactly what checkKey answers", () => {
    it.each([
      ["VALID", async () => ({ key: (await createKey(tenant.admin, { scopes: ["example:read"], metadata: { plan: "pro" }, expiresInDays: 30 })).secret, scopes: ["example:ListItems"] })],
      ["MALFORMED", async () => ({ key: "not-a-key" })],
      ["NOT_FOUND (unknown)", async () => ({ key: unknownKey(Date.now()) })],
      ["NOT_FOUND (wrong secret)", async () => ({ key: withWrongSecret((await createKey(tenant.admin)).secret) })],
      ["IP_NOT_ALLOWED", async () => ({ key: (await createKey(tenant.admin, { allowedCidrs: ["10.0.0.0/8"] })).secret, clientIp: "192.0.2.1" })],
      ["FORBIDDEN", async () => ({ key: (await createKey(tenant.admin, { scopes: ["example:ListItems"] })).secret, scopes: ["example:CreateItem"] })],
      ["UNKNOWN_SCOPE", async () => ({ key: (await createKey(tenant.admin)).secret, scopes: ["nosuch:Thing"] })],
      ["ANY mode", async () => ({ key: (await createKey(tenant.admin, { scopes: ["example:ListItems"] })).secret, scopes: ["example:CreateItem", "example:ListItems"], mode: "ANY" })],
    ])("%s", async (_code, input) => {
      const { graphql, rest } = await bothWays(await input());
      expect(rest).toEqual(graphql);
    });

    it("REVOKED, EXPIRED and DISABLED", async () => {
      const revoked = await createKey(tenant.admin);
      await tenant.admin.ok(REVOKE_KEY, { input: { id: revoked.id } });
      const disabled = await createKey(tenant.admin);
      await tenant.admin.ok(DISABLE_KEY, { input: { id: disabled.id } });
      const expired = await createKey(tenant.admin, { expiresInDays: 1 });
      await sut.app.dataSource.query("UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1", [expired.id]);
      sut.app.services.store.flush();
      for (const [key, code] of [[revoked.secret, "REVOKED"], [expired.secret, "EXPIRED"], [disabled.secret, "DISABLED"]]) {
        const { graphql, rest } = await bothWays({ key });
        expect(rest).toEqual(graphql);
        expect(rest.code).toBe(code);
      }
    });

    it("SUBSCRIPTION_MISMATCH and SUBSCRIPTION_INACTIVE", async () => {
      const active = await createSubscription(sut.root, tenant.id);
      const other = await createSubscription(sut.root, tenant.id);
      const bound = await createKey(tenant.admin, { subscriptionIds: [active.id] });
      await sut.root.ok(`mutation ($input: SetSubscriptionStatusInput!) { setSubscriptionStatus(input: $input) { subscription { id } } }`, {
        input: { id: active.id, status: "SUSPENDED" },
      });
      for (const [input, code] of [[{ key: bound.secret, subscriptionId: other.id }, "SUBSCRIPTION_MISMATCH"], [{ key: bound.secret }, "SUBSCRIPTION_INACTIVE"]] as const) {
        const { graphql, rest } = await bothWays(input);
        expect(rest).toEqual(graphql);
        expect(rest.code).toBe(code);
      }
    });

    it("TENANT_SUSPENDED", async () => {
      const suspended = await createTenant(sut.root);
      const key = await createKey(suspended.admin);
      const theirBackend = await backendOf(suspended);
      await sut.root.ok(`mutation ($id: ID!) { suspendTenant(input: { id: $id }) { tenant { id } } }`, { id: suspended.id });
      const graphql = (await theirBackend.ok(CHECK, { input: { key: key.secret } })).checkKey;
      const rest = await restCheck(sut, theirBackend.key, { key: key.secret });
      expect(rest.body).toEqual(graphql);
      expect(rest.body.code).toBe("TENANT_SUSPENDED");
    });

    it("RATE_LIMITED, with the key's limit in the answer", async () => {
      const key = await createKey(tenant.admin, { rateLimit: { limit: 1, windowSeconds: 60 } });
      expect((await restCheck(sut, backend.key, { key: key.secret })).body.code).toBe("VALID");
      const { graphql, rest } = await bothWays({ key: key.secret });
      const withoutResets = (answer: any) => ({
        ...answer,
        rateLimit: { ...answer.rateLimit, resetAt: null },
        rateLimits: answer.rateLimits.map((limit: object) => ({ ...limit, resetAt: null })),
      });
      expect(withoutResets(rest)).toEqual(withoutResets(graphql));
      expect(rest).toMatchObject({ code: "RATE_LIMITED", valid: true, allowed: false, rateLimit: { limit: 1, remaining: 0 } });
    });

    it("gives every field, null or [] when empty", async () => {
      const rest = await restCheck(sut, backend.key, { key: "garbage" });
      expect(Object.keys(rest.body).sort()).toEqual(
        [
          "allowed",
          "code",
          "expiresAt",
          "externalId",
          "grants",
          "keyId",
          "matchedScopes",
          "metadata",
          "missingScopes",
          "name",
          "rateLimit",
          "subscriptionIds",
          "tenantId",
          "valid",
          "identity",
          "rateLimits",
          "creditsRemaining",
        ].sort(),
      );
      expect(rest.body).toMatchObject({ keyId: null, grants: [], subscriptionIds: [], rateLimit: null, identity: null, rateLimits: [], creditsRemaining: null });
    });
  });

  it("answers another tenant's key NOT_FOUND, as it answers an unknown one", async () => {
    const other = await createTenant(sut.root);
    const theirs = await createKey(other.admin, { scopes: ["example:read"] });
    const answer = await restCheck(sut, backend.key, { key: theirs.secret, scopes: ["example:read"] });
    expect(answer.body).toMatchObject({ valid: false, allowed: false, code: "NOT_FOUND", keyId: null, tenantId: null, grants: [] });
  });

  describe("refuses what it cannot answer, in one shape with no stack", () => {
    it.each([
      ["a body that is not JSON", "{nope", 400, "BAD_REQUEST"],
      ["a body without a key", {}, 400, "BAD_USER_INPUT"],
      ["a field of the wrong type", { key: "k", scopes: "example:read" }, 400, "BAD_USER_INPUT"],
      ["a field it does not know", { key: "k", bogus: 1 }, 400, "BAD_USER_INPUT"],
      ["a bad client address", { key: "k", clientIp: "not-an-ip" }, 400, "BAD_USER_INPUT"],
      ["a scope with a control character", { key: "k", scopes: ["a\u0000b"] }, 400, "BAD_USER_INPUT"],
    ])("%s: %s %s", async (_case, body, status, code) => {
      const answer = await restCheck(sut, backend.key, body);
      expect(answer.status).toBe(status);
      expect(answer.body.error).toMatchObject({ code, message: expect.any(String), requestId: answer.headers.get("x-request-id") });
      noStack(answer);
    });

    it("names every field at fault", async () => {
      const answer = await restCheck(sut, backend.key, { scopes: [1], mode: "SOME" });
      expect(answer.body.error.fields.map((field: { field: string }) => field.field).sort()).toEqual(["key", "mode", "scopes[0]"]);
    });

    it("answers a key with control characters MALFORMED, not an error", async () => {
      expect((await restCheck(sut, backend.key, { key: "ks_\u0000" })).body.code).toBe("MALFORMED");
    });

    it("401 without a credential or with a bad one, 403 without keys:verify", async () => {
      for (const credential of [undefined, "ks_garbage"]) {
        const answer = await restCheck(sut, credential, { key: "k" });
        expect([answer.status, answer.body.error.code]).toEqual([401, "UNAUTHENTICATED"]);
        noStack(answer);
      }
      const reader = (await createKey(tenant.admin, { scopes: ["keys:list"] })).secret;
      const forbidden = await restCheck(sut, reader, { key: "k" });
      expect([forbidden.status, forbidden.body.error.code]).toEqual([403, "FORBIDDEN"]);
    });

    it("413 for a body over 100 kB, declared or chunked", async () => {
      const declared = await restCheck(sut, backend.key, { key: "k".repeat(110 * 1024) });
      expect([declared.status, declared.body.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
      const chunked = await new Promise<number>((resolve, reject) => {
        const request = http.request(`${sut.app.url}/v1/keys.check`, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } });
        request.on("response", (response) => (response.resume(), resolve(response.statusCode ?? 0)));
        request.on("error", reject);
        for (let chunk = 0; chunk < 10; chunk++) request.write("x".repeat(16 * 1024));
        request.end();
      });
      expect(chunked).toBe(413);
    });

    it("405 for another method", async () => {
      const response = await fetch(`${sut.app.url}/v1/keys.check`, { headers: { authorization: `Bearer ${backend.key}` } });
      expect(response.status).toBe(405);
    });
  });

  it("serves its OpenAPI document, the one committed as schema/openapi.json", async () => {
    const response = await fetch(`${sut.app.url}/v1/openapi.json`);
    expect(response.status).toBe(200);
    const committed = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../schema/openapi.json"), "utf8"));
    expect(await response.json()).toEqual(committed);
  });
});

describe("POST /v1/keys.check under limits and outages", () => {
  it("429 with Retry-After for a caller over its failure budget", async () => {
    const sut = await startTestApp({ rateLimits: { ...DEFAULT_RATE_LIMITS, failedChecksPerMinute: 3, managementRequestsPerMinute: 100_000 } });
    try {
      const tenant = await createTenant(sut.root);
      const backend = await backendOf(tenant);
      const statuses = [];
      for (let attempt = 0; attempt < 5; attempt++) statuses.push((await restCheck(sut, backend.key, { key: "bad", clientIp: "192.0.2.7" })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const refused = await restCheck(sut, backend.key, { key: "bad", clientIp: "192.0.2.7" });
      expect(refused.body.error.code).toBe("RATE_LIMITED");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await sut.close();
    }
  });

  it("503 when the check needs the database and it is unreachable", async () => {
    const database = testDatabase();
    const target = new URL(database.url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const sut = await startTestApp({ database: { url: proxy.proxied(database.url), embedded: database.embedded } });
    try {
      const tenant = await createTenant(sut.root);
      const backend = await backendOf(tenant);
      await restCheck(sut, backend.key, { key: "warm-up" });
      const cold = await createKey(tenant.admin);
      await proxy.stop();
      const answer = await restCheck(sut, backend.key, { key: cold.secret });
      expect([answer.status, answer.body.error.code]).toEqual([503, "SERVICE_UNAVAILABLE"]);
      noStack(answer);
    } finally {
      await proxy.start().catch(() => undefined);
      await sut.close();
      await proxy.stop();
    }
  });
});
