import { unknownKey, withWrongSecret } from "../support/forged-keys";
import { createTenant } from "../support/factories";
import { type TestApp, startTestApp } from "../support/test-app";

const ME = `{ me { kind tenantId keyId scopes } }`;

describe("authentication", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it("answers me for the root key with the root principal", async () => {
    const { me } = await sut.root.ok(ME);
    expect(me).toMatchObject({ kind: "ROOT", scopes: ["platform:*"] });
  });

  it("accepts the key in X-API-Key as well as in Authorization", async () => {
    const result = await sut.client.request(ME, {}, { "x-api-key": sut.rootKey });
    expect(result.data.me.kind).toBe("ROOT");
  });

  it("answers UNAUTHENTICATED without credentials", async () => {
    const result = await sut.client.request(ME);
    expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("answers malformed, unknown and wrong-secret keys alike: UNAUTHENTICATED, HTTP 401, one message", async () => {
    const tenant = await createTenant(sut.root);
    const unknown = unknownKey("auth");
    const presented = ["ks_garbage", tenant.adminKey.slice(0, -1) + (tenant.adminKey.endsWith("a") ? "b" : "a"), unknown, withWrongSecret(tenant.adminKey)];
    const results = await Promise.all(presented.map((key) => sut.client.as(key).request(ME)));
    for (const result of results) {
      expect(result.status).toBe(401);
      expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
      expect(result.errors?.[0].message).toBe("Invalid API key");
    }
  });

  it("never echoes the presented key in the refusal", async () => {
    const tenant = await createTenant(sut.root);
    const wrong = withWrongSecret(tenant.adminKey);
    const result = await sut.client.as(wrong).request(ME);
    expect(result.text).not.toContain(wrong);
    expect(result.text).not.toContain(wrong.slice(3, 20));
  });

  it("refuses an Authorization header that is not a bearer credential", async () => {
    const result = await sut.client.request(ME, {}, { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` });
    expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("answers a tenant admin key with its tenant principal", async () => {
    const tenant = await createTenant(sut.root);
    const { me } = await tenant.admin.ok(ME);
    expect(me).toEqual({ kind: "TENANT", tenantId: tenant.id, keyId: tenant.adminKeyId, scopes: ["keys:*"] });
  });

  it("holds a key used as a credential to its own allowlist, against the request's address", async () => {
    const tenant = await createTenant(sut.root);
    const create = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;
    const local = (await tenant.admin.ok(create, { input: { name: "local", scopes: ["keys:list"], allowedCidrs: ["LOCAL_ONLY"] } })).createApiKey.secret;
    const office = (await tenant.admin.ok(create, { input: { name: "office", scopes: ["keys:list"], allowedCidrs: ["203.0.113.0/24"] } })).createApiKey.secret;
    expect((await sut.client.as(local).ok(ME)).me.tenantId).toBe(tenant.id);
    const refused = await sut.client.as(office).request(ME);
    expect(refused.errors?.[0]).toMatchObject({ message: "Invalid API key", extensions: { code: "UNAUTHENTICATED" } });
  });
});

describe("authentication behind a trusted proxy", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp({ config: { trustedProxies: ["127.0.0.1", "::1"] } });
  });
  afterAll(() => sut.close());

  it("takes the client's address from X-Forwarded-For only because the proxy is trusted", async () => {
    const tenant = await createTenant(sut.root);
    const office = (
      await tenant.admin.ok(`mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, {
        input: { name: "office", scopes: ["keys:list"], allowedCidrs: ["203.0.113.0/24"] },
      })
    ).createApiKey.secret;
    const fromOffice = await sut.client.as(office).request(ME, {}, { "x-forwarded-for": "203.0.113.9" });
    expect(fromOffice.data?.me.tenantId).toBe(tenant.id);
    const fromElsewhere = await sut.client.as(office).request(ME, {}, { "x-forwarded-for": "198.51.100.1" });
    expect(fromElsewhere.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });
});
