import http from "node:http";
import { type KeysmithClient, KeysmithError, createKeysmith, typedDocument } from "../../sdk/src";
import { DEFAULT_RATE_LIMITS } from "../../src/check/rate-limits";
import { createTenant } from "../support/factories";
import { createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";
import { closedUrl, listen, tenantWithSdk } from "./sdk-support";

/** The rejection of a promise expected to fail with a KeysmithError. */
async function failure(promise: Promise<unknown>): Promise<KeysmithError> {
  const error = await promise.then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  expect(error).toBeInstanceOf(KeysmithError);
  return error as KeysmithError;
}

describe("the SDK against a real Keysmith", () => {
  let sut: TestApp;
  let admin: KeysmithClient;
  let backend: KeysmithClient;
  beforeAll(async () => {
    sut = await startTestApp();
    ({ admin, backend } = await tenantWithSdk(sut));
  });
  afterAll(() => sut.close());

  describe("check()", () => {
    it("answers a valid key with its decision", async () => {
      const created = await admin.createApiKey({ input: { name: "Mobile app", scopes: ["example:read"], externalId: "user-42", metadata: { plan: "pro" } } });
      const answer = await backend.check({ key: created.secret, scopes: ["example:ListItems"] });
      expect(answer).toMatchObject({
        valid: true,
        allowed: true,
        code: "VALID",
        keyId: created.apiKey.id,
        externalId: "user-42",
        metadata: { plan: "pro" },
        matchedScopes: ["example:read"],
        missingScopes: [],
      });
    });

    it("resolves a bad key as an answer, not an error", async () => {
      expect(await backend.check({ key: "not-a-key" })).toMatchObject({ valid: false, allowed: false, code: "MALFORMED", keyId: null });
      const revoked = await admin.createApiKey({ input: { name: "to revoke" } });
      await admin.revokeApiKey({ input: { id: revoked.apiKey.id } });
      expect((await backend.check({ key: revoked.secret })).code).toBe("REVOKED");
    });

    it("gives the same answer as checkKey over GraphQL", async () => {
      const created = await admin.createApiKey({ input: { name: "both ways", scopes: ["example:ListItems"] } });
      const input = { key: created.secret, scopes: ["example:CreateItem", "example:ListItems"], mode: "ANY" as const };
      // The REST answer also carries the deprecated rateLimit, which the SDK's GraphQL document leaves out.
      const { rateLimit, ...answer } = await backend.check(input);
      expect(rateLimit).toBeNull();
      expect(answer).toEqual(await backend.checkKey({ input }));
    });

    it("rejects without a credential, or with a bad one: UNAUTHENTICATED 401", async () => {
      for (const token of [undefined, "ks_garbage"]) {
        const error = await failure(createKeysmith({ url: sut.app.url, token }).check({ key: "k" }));
        expect(error).toMatchObject({ code: "UNAUTHENTICATED", status: 401, requestId: expect.any(String), fields: null });
      }
    });

    it("rejects a credential without keys:verify: FORBIDDEN 403", async () => {
      const reader = await admin.createApiKey({ input: { name: "reader", scopes: ["keys:list"] } });
      const error = await failure(createKeysmith({ url: sut.app.url, token: reader.secret }).check({ key: "k" }));
      expect(error).toMatchObject({ code: "FORBIDDEN", status: 403 });
    });

    it("rejects the backend's own mistakes: BAD_USER_INPUT 400 naming the fields, PAYLOAD_TOO_LARGE 413", async () => {
      const invalid = await failure(backend.check({ key: "k", clientIp: "not-an-ip" }));
      expect(invalid).toMatchObject({ code: "BAD_USER_INPUT", status: 400 });
      expect(invalid.fields?.map((field) => field.field)).toEqual(["clientIp"]);
      const large = await failure(backend.check({ key: "k".repeat(110 * 1024) }));
      expect(large).toMatchObject({ code: "PAYLOAD_TOO_LARGE", status: 413 });
    });
  });

  describe("typed management operations", () => {
    it("create a key, find it, and check it", async () => {
      const created = await admin.createApiKey({ input: { name: "Partner portal", scopes: ["example:CreateItem"], expiresInDays: 30 } });
      expect(created.secret).toMatch(/^\w+_/);
      expect(created.apiKey).toMatchObject({ name: "Partner portal", status: "ACTIVE", scopes: ["example:CreateItem"] });
      expect(await admin.apiKey({ id: created.apiKey.id })).toMatchObject({ id: created.apiKey.id, maskedKey: created.apiKey.maskedKey });
      const page = await admin.apiKeys({ filter: { search: "Partner portal" }, first: 5 });
      expect(page.nodes.map((key) => key.id)).toContain(created.apiKey.id);
      expect((await backend.check({ key: created.secret, scopes: ["example:CreateItem"] })).allowed).toBe(true);
    });

    it("edit, disable, enable and regenerate a key", async () => {
      const { apiKey } = await admin.createApiKey({ input: { name: "lifecycle" } });
      expect((await admin.updateApiKey({ input: { id: apiKey.id, name: "renamed", description: null } })).apiKey.name).toBe("renamed");
      expect((await admin.disableApiKey({ input: { id: apiKey.id } })).apiKey.status).toBe("DISABLED");
      expect((await admin.enableApiKey({ input: { id: apiKey.id } })).apiKey.status).toBe("ACTIVE");
      const next = await admin.regenerateApiKey({ input: { id: apiKey.id, gracePeriodSeconds: 0 } });
      expect(next.apiKey.rotatedFromId).toBe(apiKey.id);
      expect((await backend.check({ key: next.secret })).code).toBe("VALID");
    });

    it("manage webhook endpoints and report a leaked key", async () => {
      const created = await admin.createWebhookEndpoint({ input: { url: "https://hooks.example.com/keysmith", events: ["KEY_LEAKED"] } });
      expect(created.secret).toMatch(/^whsec_/);
      expect((await admin.webhookEndpoints()).nodes.map((endpoint) => endpoint.id)).toEqual([created.endpoint.id]);
      const rotated = await admin.rotateWebhookSecret({ input: { id: created.endpoint.id } });
      expect(rotated.secret).not.toBe(created.secret);
      expect((await admin.tenantSettings()).leakedKeyAction).toBe("REVOKE");
      const key = await admin.createApiKey({ input: { name: "Pasted in a gist" } });
      const report = await admin.reportLeakedKey({ input: { key: key.secret, source: "a gist" } });
      expect(report).toMatchObject({ action: "REVOKE", apiKey: { id: key.apiKey.id, status: "REVOKED" } });
      const [delivery] = (await admin.webhookDeliveries({ endpointId: created.endpoint.id })).nodes;
      expect(delivery).toMatchObject({ eventType: "KEY_LEAKED", status: "PENDING" });
      expect(await admin.deleteWebhookEndpoint({ input: { id: created.endpoint.id } })).toEqual({ deletedId: created.endpoint.id });
    });

    it("take no variables when none are required", async () => {
      expect(await admin.me()).toMatchObject({ kind: "TENANT", scopes: ["keys:*"] });
      expect((await admin.apiKeyStats()).total).toBeGreaterThan(0);
    });

    it("let root act on tenants", async () => {
      const root = createKeysmith({ url: sut.app.url, token: sut.rootKey });
      const { tenant, adminKey } = await root.createTenant({ input: { slug: `sdk-${Date.now()}`, name: "Made by the SDK" } });
      expect(tenant).toMatchObject({ name: "Made by the SDK", status: "ACTIVE" });
      expect((await root.suspendTenant({ input: { id: tenant.id } })).tenant.status).toBe("SUSPENDED");
      expect((await createKeysmith({ url: sut.app.url, token: adminKey.secret }).check({ key: adminKey.secret })).code).toBe("TENANT_SUSPENDED");
    });

    it("surface GraphQL errors as KeysmithError with extensions.code", async () => {
      const { apiKey } = await admin.createApiKey({ input: { name: "revoked twice" } });
      await admin.revokeApiKey({ input: { id: apiKey.id } });
      expect(await failure(admin.revokeApiKey({ input: { id: apiKey.id } }))).toMatchObject({ code: "CONFLICT", requestId: expect.any(String) });
      const invalid = await failure(admin.createApiKey({ input: { name: "bad", scopes: ["no spaces allowed"], allowedCidrs: ["nope"] } }));
      expect(invalid.code).toBe("BAD_USER_INPUT");
      expect(invalid.fields?.map((field) => field.field).sort()).toEqual(["allowedCidrs[0]", "scopes[0]"]);
      // @ts-expect-error the input is required, by type and by the server
      expect((await failure(admin.createApiKey())).code).toBe("BAD_USER_INPUT");
      expect(await failure(createKeysmith({ url: sut.app.url }).me())).toMatchObject({ code: "UNAUTHENTICATED" });
      expect(await failure(backend.apiKeys())).toMatchObject({ code: "FORBIDDEN" });
    });

    it("keep tenants apart: another tenant's key is NOT_FOUND", async () => {
      const other = await tenantWithSdk(sut);
      const theirs = await other.admin.createApiKey({ input: { name: "keyOfOtherTenant", scopes: ["example:read"] } });
      expect(await failure(admin.apiKey({ id: theirs.apiKey.id }))).toMatchObject({ code: "NOT_FOUND" });
      expect(await failure(admin.revokeApiKey({ input: { id: theirs.apiKey.id } }))).toMatchObject({ code: "NOT_FOUND" });
      expect((await admin.apiKeys({ filter: { search: "keyOfOtherTenant" } })).nodes).toEqual([]);
      expect((await backend.check({ key: theirs.secret })).code).toBe("NOT_FOUND");
      expect((await other.backend.check({ key: theirs.secret })).code).toBe("VALID");
    });

    it("run any document with request(), typed or as text", async () => {
      const Count = typedDocument<{ apiKeys: { totalCount: number } }, { search: string }>(
        "query Count($search: String) { apiKeys(filter: { search: $search }) { totalCount } }",
        "Count",
      );
      await admin.createApiKey({ input: { name: "counted" } });
      expect((await admin.request(Count, { search: "counted" })).apiKeys.totalCount).toBe(1);
      expect(await admin.request("{ me { kind } }")).toEqual({ me: { kind: "TENANT" } });
    });
  });

  it("checks keys it did not create through the SDK too", async () => {
    const tenant = await createTenant(sut.root);
    const key = await createKey(tenant.admin, { scopes: ["example:read"] });
    const verifier = await createKey(tenant.admin, { scopes: ["keys:verify"] });
    expect((await createKeysmith({ url: `${sut.app.url}/`, token: verifier.secret }).check({ key: key.secret })).code).toBe("VALID");
  });
});

describe("the SDK when Keysmith does not answer as documented", () => {
  it("rejects SERVICE_UNAVAILABLE 503 when nothing listens", async () => {
    const error = await failure(createKeysmith({ url: await closedUrl(), token: "t" }).check({ key: "k" }));
    expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503, requestId: null });
    expect(error.message).toMatch(/could not be reached: ECONNREFUSED/);
  });

  it("rejects SERVICE_UNAVAILABLE 503 when no answer comes within timeoutMs", async () => {
    const silent = http.createServer(() => undefined);
    const listening = await listen(silent);
    try {
      const error = await failure(createKeysmith({ url: listening.url, token: "t", timeoutMs: 200 }).check({ key: "k" }));
      expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503, message: "Keysmith did not answer within 200 ms" });
    } finally {
      silent.closeAllConnections();
      await listening.close();
    }
  });

  it("rejects UNEXPECTED_RESPONSE with the status for a body that is not Keysmith's (a proxy's error page)", async () => {
    const proxy = http.createServer((_request, response) => response.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>"));
    const listening = await listen(proxy);
    try {
      const client = createKeysmith({ url: listening.url, token: "t" });
      expect(await failure(client.check({ key: "k" }))).toMatchObject({ code: "UNEXPECTED_RESPONSE", status: 502 });
      expect(await failure(client.me())).toMatchObject({ code: "UNEXPECTED_RESPONSE", status: 502 });
    } finally {
      await listening.close();
    }
  });

  it("rejects RATE_LIMITED 429 with Retry-After when the backend sends too many failed checks", async () => {
    const sut = await startTestApp({ rateLimits: { ...DEFAULT_RATE_LIMITS, failedChecksPerMinute: 2, managementRequestsPerMinute: 100_000 } });
    try {
      const { backend } = await tenantWithSdk(sut);
      for (let attempt = 0; attempt < 2; attempt++) expect((await backend.check({ key: "bad", clientIp: "192.0.2.7" })).code).toBe("MALFORMED");
      const error = await failure(backend.check({ key: "bad", clientIp: "192.0.2.7" }));
      expect(error).toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfterSeconds: expect.any(Number) });
      expect(error.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await sut.close();
    }
  });

  it("refuses a url that is not http(s) and a timeout that is not a positive integer", () => {
    expect(() => createKeysmith({ url: "ftp://example.test" })).toThrow(/http or https/);
    expect(() => createKeysmith({ url: "http://127.0.0.1:1", timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
