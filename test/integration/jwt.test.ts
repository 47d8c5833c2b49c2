import http from "node:http";
import type { AddressInfo } from "node:net";
import { type KeyLike, SignJWT, exportJWK, exportSPKI, generateKeyPair } from "jose";
import { createTenant, type TenantFixture } from "../support/factories";
import { GET_KEY, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";

const ME = `{ me { kind tenantId keyId name scopes } }`;
const SET_ISSUER = `mutation ($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { jwtIssuer { issuer audience algorithms scopeClaim } } } }`;
const AUDIENCE = "keysmith";

type Algorithm = "RS256" | "ES256" | "EdDSA";

interface Issuer {
  url: string;
  privateKey: KeyLike;
  algorithm: Algorithm;
}

describe("JWT principals", () => {
  let sut: TestApp;
  let counter = 0;
  beforeAll(async () => {
    // The tests' identity provider serves its JWKS on loopback: the operator opens it, as for an on-premises one.
    sut = await startTestApp({ config: { jwksAllow: ["127.0.0.1/32"] } });
  });
  afterAll(() => sut.close());

  async function registerIssuer(tenant: TenantFixture, algorithm: Algorithm, extra: Record<string, unknown> = {}): Promise<Issuer> {
    const { publicKey, privateKey } = await generateKeyPair(algorithm, { crv: algorithm === "EdDSA" ? "Ed25519" : undefined });
    const url = `https://login-${++counter}-${tenant.id.slice(-6)}.example/`;
    await sut.root.ok(SET_ISSUER, {
      input: { id: tenant.id, jwtIssuer: { issuer: url, audience: AUDIENCE, publicKeyPem: await exportSPKI(publicKey), algorithms: [algorithm], ...extra } },
    });
    return { url, privateKey, algorithm };
  }

  function token(issuer: Issuer, claims: Record<string, unknown> = {}, options: { expiresIn?: string; audience?: string; key?: KeyLike; alg?: string } = {}) {
    return new SignJWT({ scope: "keys:list keys:create", ...claims })
      .setProtectedHeader({ alg: options.alg ?? issuer.algorithm })
      .setIssuer(issuer.url)
      .setAudience(options.audience ?? AUDIENCE)
      .setSubject("user-123")
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? "10m")
      .sign(options.key ?? issuer.privateKey);
  }

  it.each(["RS256", "ES256", "EdDSA"] as const)("accepts a %s token of the tenant's issuer as a tenant principal", async (algorithm) => {
    const tenant = await createTenant(sut.root);
    const issuer = await registerIssuer(tenant, algorithm);
    const client = sut.client.as(await token(issuer));
    const { me } = await client.ok(ME);
    expect(me).toEqual({ kind: "TENANT", tenantId: tenant.id, keyId: null, name: "user-123", scopes: ["keys:list", "keys:create"] });
    expect((await client.ok(`{ apiKeys { nodes { id } } }`)).apiKeys.nodes).toHaveLength(1);
    expect(await client.code(`mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id } } }`, { id: tenant.adminKeyId })).toBe("FORBIDDEN");
  });

  it("verifies against the tenant's JWKS URL", async () => {
    const { publicKey, privateKey } = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    const server = http.createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    try {
      const tenant = await createTenant(sut.root);
      const url = `https://jwks-${tenant.id.slice(-6)}.example/`;
      const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
      await sut.root.ok(SET_ISSUER, { input: { id: tenant.id, jwtIssuer: { issuer: url, audience: AUDIENCE, jwksUrl, algorithms: ["ES256"] } } });
      const signed = await new SignJWT({ scope: "keys:list" })
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setIssuer(url)
        .setAudience(AUDIENCE)
        .setSubject("jwks-user")
        .setExpirationTime("5m")
        .sign(privateKey);
      expect((await sut.client.as(signed).ok(ME)).me).toMatchObject({ tenantId: tenant.id, scopes: ["keys:list"] });
    } finally {
      server.close();
    }
  });

  it("reads grants from an array claim, or from the claim the tenant names", async () => {
    const tenant = await createTenant(sut.root);
    const issuer = await registerIssuer(tenant, "ES256", { scopeClaim: "permissions" });
    const { me } = await sut.client.as(await token(issuer, { permissions: ["keys:list", "example:read"], scope: "keys:*" })).ok(ME);
    expect(me.scopes).toEqual(["keys:list", "example:read"]);
  });

  it("refuses expired, badly signed, unknown-issuer, wrong-audience, unpinned-algorithm and unsigned tokens alike", async () => {
    const tenant = await createTenant(sut.root);
    const issuer = await registerIssuer(tenant, "RS256");
    const stranger = await generateKeyPair("RS256");
    const secret = new TextEncoder().encode("a-shared-secret-nobody-should-trust-here");
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify({ iss: issuer.url, aud: AUDIENCE, sub: "x", scope: "keys:*", exp: Math.floor(Date.now() / 1000) + 600 })).toString("base64url");
    const refused = [
      await token(issuer, {}, { expiresIn: "-1m" }),
      await token(issuer, {}, { key: stranger.privateKey }),
      await token({ ...issuer, url: "https://unknown.example/" }),
      await token(issuer, {}, { audience: "someone-else" }),
      await token(issuer, {}, { key: secret as unknown as KeyLike, alg: "HS256" }),
      `${header}.${payload}.`,
      "not.a.jwt",
    ];
    for (const credential of refused) {
      const result = await sut.client.as(credential).request(ME);
      expect({ status: result.status, code: result.errors?.[0].extensions?.code, message: result.errors?.[0].message }).toEqual({
        status: 401,
        code: "UNAUTHENTICATED",
        message: "Invalid token",
      });
    }
  });

  it("acts only in its own tenant and never becomes root, whatever it claims", async () => {
    const tenant = await createTenant(sut.root);
    const other = await createTenant(sut.root);
    const othersKey = await createKey(other.admin);
    const issuer = await registerIssuer(tenant, "ES256");
    const client = sut.client.as(await token(issuer, { scope: "keys:* platform:*" }));
    expect((await client.ok(ME)).me.kind).toBe("TENANT");
    expect(await client.code(`{ tenants { nodes { id } } }`)).toBe("FORBIDDEN");
    expect(await client.code(GET_KEY, { id: othersKey.id })).toBe("NOT_FOUND");
    expect(await client.code(`query ($t: ID) { apiKeys(tenantId: $t) { nodes { id } } }`, { t: other.id })).toBe("NOT_FOUND");
  });

  it("records the token's subject as creator and audit actor", async () => {
    const tenant = await createTenant(sut.root);
    const issuer = await registerIssuer(tenant, "EdDSA");
    const client = sut.client.as(await token(issuer));
    const { createApiKey } = await client.ok(`mutation { createApiKey(input: { name: "from the console" }) { apiKey { id createdBy } } }`);
    expect(createApiKey.apiKey.createdBy).toBe("user-123");
    const [event] = await sut.app.dataSource.query("SELECT actor_kind, actor_id FROM audit_events WHERE target_id = $1", [createApiKey.apiKey.id]);
    expect(event).toEqual({ actor_kind: "TENANT_JWT", actor_id: "user-123" });
  });

  it("keeps issuers unique across tenants, and removing an issuer stops its tokens", async () => {
    const first = await createTenant(sut.root);
    const second = await createTenant(sut.root);
    const issuer = await registerIssuer(first, "ES256");
    const { publicKey } = await generateKeyPair("ES256");
    const clash = await sut.root.request(SET_ISSUER, {
      input: { id: second.id, jwtIssuer: { issuer: issuer.url, audience: AUDIENCE, publicKeyPem: await exportSPKI(publicKey), algorithms: ["ES256"] } },
    });
    expect(clash.errors?.[0].extensions?.code).toBe("CONFLICT");

    const signed = await token(issuer);
    expect((await sut.client.as(signed).ok(ME)).me.tenantId).toBe(first.id);
    await sut.root.ok(SET_ISSUER, { input: { id: first.id, jwtIssuer: null } });
    expect(await sut.client.as(signed).code(ME)).toBe("UNAUTHENTICATED");
  });
});
