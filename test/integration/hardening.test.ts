import http from "node:http";
import net from "node:net";
import { type KeyLike, SignJWT, exportSPKI, generateKeyPair } from "jose";
import { backendOf, checkKey } from "../support/checks";
import { createSubscription, createTenant, type TenantFixture } from "../support/factories";
import { CREATE_KEY, DISABLE_KEY, GET_KEY, LIST_KEYS, REGENERATE_KEY, REVOKE_KEY, UPDATE_KEY, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";

const DEFINE = `mutation ($input: DefineNamespaceInput!) { defineNamespace(input: $input) { namespace { id } } }`;
const UPDATE_SUBSCRIPTION = `mutation ($input: UpdateSubscriptionInput!) { updateSubscription(input: $input) { subscription { scopeCeiling } } }`;
const SET_ISSUER = `mutation ($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { id } } }`;
const ME = `{ me { kind scopes } }`;

/** Each finding of the attack on a running server, as a test that failed before it was fixed. */
describe("hardening", () => {
  let sut: TestApp;
  let tenant: TenantFixture;
  beforeAll(async () => {
    sut = await startTestApp();
    tenant = await createTenant(sut.root);
  });
  afterAll(() => sut.close());

  describe("subscription ceilings bind wildcards and hold at check time", () => {
    it("refuses *:read under a ceiling of one namespace's reads, and *:* under anything but *:*", async () => {
      const readsOfExample = await createSubscription(sut.root, tenant.id, { scopeCeiling: ["example:read"] });
      const allReads = await createSubscription(sut.root, tenant.id, { scopeCeiling: ["*:read"] });
      const refused = await tenant.admin.request(CREATE_KEY, { input: { name: "wide", scopes: ["*:read"], subscriptionIds: [readsOfExample.id] } });
      expect(refused.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "scopes" });
      expect((await createKey(tenant.admin, { scopes: ["*:read"], subscriptionIds: [allReads.id] })).apiKey.scopes).toEqual(["*:read"]);
      const wildcard = await tenant.admin.request(CREATE_KEY, { input: { name: "all", scopes: ["*:*"], expiresInDays: 1, subscriptionIds: [allReads.id] } });
      expect(wildcard.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    });

    it("does not bind the reserved namespaces: a backend key bound to a plan may verify", async () => {
      const plan = await createSubscription(sut.root, tenant.id, { scopeCeiling: ["example:read"] });
      const key = await createKey(tenant.admin, { scopes: ["keys:verify", "example:ListItems"], subscriptionIds: [plan.id] });
      expect(key.apiKey.scopes).toEqual(["example:ListItems", "keys:verify"]);
    });

    it("lets root save the same ceiling again", async () => {
      const plan = await createSubscription(sut.root, tenant.id, { scopeCeiling: ["example:read"] });
      await createKey(tenant.admin, { scopes: ["example:read"], subscriptionIds: [plan.id] });
      const saved = await sut.root.ok(UPDATE_SUBSCRIPTION, { input: { id: plan.id, scopeCeiling: ["example:read"] } });
      expect(saved.updateSubscription.subscription.scopeCeiling).toEqual(["example:read"]);
    });

    it("never lets a namespace defined later widen a key beyond its plan's ceiling", async () => {
      const plan = await createSubscription(sut.root, tenant.id, { scopeCeiling: ["example:read"] });
      const key = await createKey(tenant.admin, { scopes: ["example:read"], subscriptionIds: [plan.id] });
      // A key that holds more than its ceiling (written before these rules, or by hand).
      await sut.app.dataSource.query("UPDATE permission_grants SET scope = '*:read' WHERE api_key_id = $1", [key.id]);
      sut.app.services.store.flush();
      const namespace = `later${Date.now().toString(36)}`;
      await sut.root.ok(DEFINE, { input: { name: namespace, operations: [{ name: "Peek", access: "READ" }] } });
      const backend = await backendOf(tenant);
      expect((await checkKey(backend, { key: key.secret, scopes: ["example:ListItems"] })).code).toBe("VALID");
      const widened = await checkKey(backend, { key: key.secret, scopes: [`${namespace}:Peek`] });
      expect(widened).toMatchObject({ code: "FORBIDDEN", missingScopes: [`${namespace}:Peek`] });
    });
  });

  describe("JWT principals", () => {
    async function issuerOf(target: TenantFixture, extra: Record<string, unknown> = {}) {
      const { publicKey, privateKey } = await generateKeyPair("ES256");
      const url = `https://idp-${target.id.slice(-8)}-${Math.random().toString(36).slice(2)}.example/`;
      await sut.root.ok(SET_ISSUER, {
        input: { id: target.id, jwtIssuer: { issuer: url, audience: "keysmith", publicKeyPem: await exportSPKI(publicKey), algorithms: ["ES256"], ...extra } },
      });
      return { url, privateKey };
    }
    const sign = (issuer: { url: string; privateKey: KeyLike }, claims: Record<string, unknown>, shape: (jwt: SignJWT) => SignJWT) =>
      shape(new SignJWT(claims).setProtectedHeader({ alg: "ES256" }).setIssuer(issuer.url).setAudience("keysmith").setSubject("user-1")).sign(issuer.privateKey);

    it("drops platform and unknown grants from the claim: they reach neither me nor a key it creates", async () => {
      const target = await createTenant(sut.root);
      const issuer = await issuerOf(target);
      const token = await sign(issuer, { scope: "keys:create keys:list platform:* platform:manage nosuch:Thing" }, (jwt) => jwt.setIssuedAt().setExpirationTime("5m"));
      const principal = sut.client.as(token);
      expect((await principal.ok(ME)).me).toEqual({ kind: "TENANT", scopes: ["keys:create", "keys:list"] });
      const escalation = await principal.request(CREATE_KEY, { input: { name: "climb", scopes: ["keys:create", "platform:*"] } });
      expect(escalation.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    });

    it("refuses tokens without exp, living longer than the issuer allows, or issued in the future", async () => {
      const target = await createTenant(sut.root);
      const issuer = await issuerOf(target, { maxTokenLifetimeSeconds: 3_600 });
      const now = Math.floor(Date.now() / 1000);
      const refused = [
        await sign(issuer, { scope: "keys:list" }, (jwt) => jwt.setIssuedAt()),
        await sign(issuer, { scope: "keys:list" }, (jwt) => jwt.setIssuedAt().setExpirationTime(Date.UTC(3000, 0, 1) / 1000)),
        await sign(issuer, { scope: "keys:list" }, (jwt) => jwt.setIssuedAt().setExpirationTime("2h")),
        await sign(issuer, { scope: "keys:list" }, (jwt) => jwt.setExpirationTime("2h")),
        await sign(issuer, { scope: "keys:list" }, (jwt) => jwt.setIssuedAt(now + 600).setExpirationTime(now + 900)),
      ];
      for (const token of refused) expect((await sut.client.as(token).request(ME)).status).toBe(401);
      const fine = await sign(issuer, { scope: "keys:list" }, (jwt) => jwt.setIssuedAt().setExpirationTime("59m"));
      expect((await sut.client.as(fine).ok(ME)).me.kind).toBe("TENANT");
    });

    it("accepts only https JWKS URLs unless JWKS_ALLOW opens addresses", async () => {
      const target = await createTenant(sut.root);
      const refused = await sut.root.request(SET_ISSUER, {
        input: { id: target.id, jwtIssuer: { issuer: "https://idp.example/", audience: "k", jwksUrl: "http://127.0.0.1:4898/internal/admin?x=1", algorithms: ["ES256"] } },
      });
      expect(refused.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "jwtIssuer.jwksUrl" });
    });

    it.each(["https://127.0.0.1:PORT/jwks.json", "https://localhost:PORT/jwks.json"])(
      "never connects to an internal address for JWKS (%s), whatever the token",
      async (template) => {
        const connections: net.Socket[] = [];
        const listener = net.createServer((socket) => (connections.push(socket), socket.destroy()));
        await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", () => resolve()));
        try {
          const target = await createTenant(sut.root);
          const url = `https://internal-${target.id.slice(-8)}.example/`;
          const jwksUrl = template.replace("PORT", String((listener.address() as net.AddressInfo).port));
          await sut.root.ok(SET_ISSUER, { input: { id: target.id, jwtIssuer: { issuer: url, audience: "keysmith", jwksUrl, algorithms: ["ES256"] } } });
          const { privateKey } = await generateKeyPair("ES256");
          const token = await sign({ url, privateKey }, { scope: "keys:list" }, (jwt) => jwt.setIssuedAt().setExpirationTime("5m"));
          expect((await sut.client.as(token).request(ME)).status).toBe(401);
          expect(connections).toHaveLength(0);
        } finally {
          listener.close();
        }
      },
    );
  });

  describe("control characters and unstorable dates", () => {
    const NUL = "a\u0000b";
    const cursor = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString("base64url");
    const PAST_POSTGRES = "-271821-04-20T00:00:00.000Z";

    it.each([
      ["createApiKey name", CREATE_KEY, { input: { name: NUL } }, "input.name"],
      ["createApiKey description", CREATE_KEY, { input: { name: "x", description: NUL } }, "input.description"],
      ["createApiKey externalId", CREATE_KEY, { input: { name: "x", externalId: NUL } }, "input.externalId"],
      ["a metadata value", CREATE_KEY, { input: { name: "x", metadata: { plan: NUL } } }, "input.metadata.plan"],
      ["a metadata key", CREATE_KEY, { input: { name: "x", metadata: { [NUL]: 1 } } }, "input.metadata"],
      ["a nested metadata value", CREATE_KEY, { input: { name: "x", metadata: { a: [{ b: NUL }] } } }, "input.metadata.a[0].b"],
      ["the search filter", LIST_KEYS, { filter: { search: NUL } }, "filter.search"],
      ["the externalId filter", LIST_KEYS, { filter: { externalId: NUL } }, "filter.externalId"],
      ["the createdBy filter", LIST_KEYS, { filter: { createdBy: NUL } }, "filter.createdBy"],
      ["a NAME cursor", LIST_KEYS, { orderBy: { field: "NAME", direction: "ASC" }, after: cursor(["NAME", "ASC", NUL, "01a2337a-9ac0-7000-9806-1a1c3fb07411"]) }, "after"],
      ["a CREATED_AT cursor past PostgreSQL's range", LIST_KEYS, { after: cursor(["CREATED_AT", "DESC", PAST_POSTGRES, "01a2337a-9ac0-7000-9806-1a1c3fb07411"]) }, "after"],
      ["an EXPIRES_AT cursor past PostgreSQL's range", LIST_KEYS, { orderBy: { field: "EXPIRES_AT", direction: "ASC" }, after: cursor(["EXPIRES_AT", "ASC", PAST_POSTGRES, "01a2337a-9ac0-7000-9806-1a1c3fb07411"]) }, "after"],
      ["the actorId filter", `query ($f: AuditEventFilter) { auditEvents(filter: $f) { nodes { id } } }`, { f: { actorId: NUL } }, "filter.actorId"],
      ["an audit cursor past PostgreSQL's range", `query ($a: String) { auditEvents(after: $a) { nodes { id } } }`, { a: cursor([PAST_POSTGRES, "01a2337a-9ac0-7000-9806-1a1c3fb07411"]) }, "after"],
      ["a namespace description", DEFINE, { input: { name: "nul", description: NUL, operations: [] } }, "input.description"],
    ])("refuses %s with BAD_USER_INPUT naming the field", async (_case, document, variables, field) => {
      const result = await tenant.admin.request(document, variables);
      expect(result.status).toBe(200);
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    });

    it.each([
      ["createTenant name", `mutation ($i: CreateTenantInput!) { createTenant(input: $i) { tenant { id } } }`, { i: { slug: "nul-name", name: NUL } }, "input.name"],
      ["a tenants cursor past PostgreSQL's range", `query ($a: String) { tenants(after: $a) { nodes { id } } }`, { a: cursor([PAST_POSTGRES, "01a2337a-9ac0-7000-9806-1a1c3fb07411"]) }, "after"],
      ["a subscriptions cursor past PostgreSQL's range", `query ($a: String, $t: ID) { subscriptions(after: $a, tenantId: $t) { nodes { id } } }`, { a: cursor([PAST_POSTGRES, "01a2337a-9ac0-7000-9806-1a1c3fb07411"]) }, "after"],
    ])("refuses %s from root with BAD_USER_INPUT naming the field", async (_case, document, variables, field) => {
      expect((await sut.root.request(document, variables)).errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    });

    it("answers a presented key with control characters MALFORMED, not an error", async () => {
      const backend = await backendOf(tenant);
      expect((await checkKey(backend, { key: `ks_${"a".repeat(20)}\u0000` })).code).toBe("MALFORMED");
    });

    it("refuses an update's name with a control character, changing nothing", async () => {
      const key = await createKey(tenant.admin, { name: "clean" });
      expect((await tenant.admin.request(UPDATE_KEY, { input: { id: key.id, name: NUL } })).errors?.[0].extensions).toMatchObject({ field: "input.name" });
      expect((await tenant.admin.ok(GET_KEY, { id: key.id })).apiKey.name).toBe("clean");
    });
  });

  it("regenerates a disabled key into a disabled successor", async () => {
    const key = await createKey(tenant.admin);
    await tenant.admin.ok(DISABLE_KEY, { input: { id: key.id } });
    const rotator = tenant.admin.as((await createKey(tenant.admin, { scopes: ["keys:create", "keys:revoke"] })).secret);
    const { regenerateApiKey } = await rotator.ok(REGENERATE_KEY, { input: { id: key.id } });
    expect(regenerateApiKey.apiKey).toMatchObject({ enabled: false, status: "DISABLED" });
  });

  describe("no acting on a stronger key", () => {
    it.each([
      ["disable", DISABLE_KEY, (id: string) => ({ input: { id } })],
      ["revoke", REVOKE_KEY, (id: string) => ({ input: { id } })],
      ["update", UPDATE_KEY, (id: string) => ({ input: { id, name: "mine now" } })],
    ])("refuses to %s the tenant's admin key with keys:update and keys:revoke alone, recording a DENIED event", async (_verb, document, variables) => {
      const target = await createTenant(sut.root);
      const operator = target.admin.as((await createKey(target.admin, { scopes: ["keys:update", "keys:revoke"] })).secret);
      const result = await operator.request(document, variables(target.adminKeyId));
      expect(result.errors?.[0].extensions?.code).toBe("FORBIDDEN");
      expect((await target.admin.ok(GET_KEY, { id: target.adminKeyId })).apiKey.status).toBe("ACTIVE");
      const denied = await sut.app.dataSource.query("SELECT outcome FROM audit_events WHERE tenant_id = $1 AND target_id = $2", [target.id, target.adminKeyId]);
      expect(denied).toEqual([{ outcome: "DENIED" }]);
    });

    it("lets a principal act on a key whose reserved grants it holds", async () => {
      const target = await createTenant(sut.root);
      const operator = target.admin.as((await createKey(target.admin, { scopes: ["keys:update", "keys:list"] })).secret);
      const weaker = await createKey(target.admin, { scopes: ["keys:list", "example:read"] });
      expect((await operator.ok(DISABLE_KEY, { input: { id: weaker.id } })).disableApiKey.apiKey.status).toBe("DISABLED");
    });
  });

  describe("the platform tenant is root's", () => {
    let platformKey: TestApp["client"];
    beforeAll(async () => {
      const { createApiKey } = await sut.root.ok(CREATE_KEY, { input: { name: "platform operator", scopes: ["keys:*"] } });
      platformKey = sut.client.as(createApiKey.secret);
    });

    it("refuses its non-root keys platform-wide namespaces, the root keys' list, and revoking them", async () => {
      expect(await platformKey.code(DEFINE, { input: { name: "everyone", operations: [] } })).toBe("FORBIDDEN");
      expect(await platformKey.code(LIST_KEYS, {})).toBe("FORBIDDEN");
      const rootKeyId = (await sut.root.ok(`{ me { keyId } }`)).me.keyId;
      expect(await platformKey.code(REVOKE_KEY, { input: { id: rootKeyId } })).toBe("FORBIDDEN");
      expect((await sut.root.ok(`{ me { kind } }`)).me.kind).toBe("ROOT");
    });

    it("keeps platform grants off every other tenant's keys, root's own grants included", async () => {
      const result = await sut.root.request(CREATE_KEY, { input: { tenantId: tenant.id, name: "not an admin of Keysmith", scopes: ["platform:*"] } });
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "scopes[0]" });
    });
  });

  describe("refusals have one shape", () => {
    it("answers an operation that needs a principal, sent with none, like a bad credential: 401 with a request id", async () => {
      const missing = await sut.client.request(ME);
      const bad = await sut.client.as("ks_garbage").request(ME);
      for (const refusal of [missing, bad]) {
        expect(refusal.status).toBe(401);
        expect(refusal.data).toBeUndefined();
        expect(refusal.errors).toEqual([{ message: expect.any(String), extensions: { code: "UNAUTHENTICATED", requestId: expect.any(String) } }]);
      }
      const open = await sut.client.request(`{ __typename }`);
      expect([open.status, open.data]).toEqual([200, { __typename: "Query" }]);
    });

    it.each([
      ["declared", true],
      ["chunked", false],
    ])("answers a %s body over 100 kB with 413 and a readable error", async (_how, declared) => {
      const body = JSON.stringify({ query: "{ __typename }", variables: { padding: "p".repeat(150 * 1024) } });
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = http.request(`${sut.app.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(declared ? { "content-length": Buffer.byteLength(body) } : { "transfer-encoding": "chunked" }) },
        });
        request.on("response", (response) => {
          let received = "";
          response.on("data", (chunk) => (received += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, text: received }));
        });
        request.on("error", reject);
        for (let offset = 0; offset < body.length; offset += 16 * 1024) request.write(body.slice(offset, offset + 16 * 1024));
        request.end();
      });
      expect(status).toBe(413);
      expect(JSON.parse(text).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
    });
  });

  describe("every validation error at once", () => {
    it("lists the blank name, the malformed scope and the bad CIDR together", async () => {
      const result = await tenant.admin.request(CREATE_KEY, { input: { name: " ", scopes: ["bad"], allowedCidrs: ["nope"] } });
      expect(result.errors?.[0].extensions?.fields).toEqual([
        { field: "name", message: "must not be blank" },
        { field: "scopes[0]", message: expect.any(String) },
        { field: "allowedCidrs[0]", message: expect.any(String) },
      ]);
    });

    it("refuses a CIDR with an IPv6 zone id", async () => {
      const result = await tenant.admin.request(CREATE_KEY, { input: { name: "zone", allowedCidrs: ["fe80::1%eth0"] } });
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "allowedCidrs[0]" });
    });
  });
});
