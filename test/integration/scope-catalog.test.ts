import { createSubscription, createTenant } from "../support/factories";
import { createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";
import { CHECK, backendOf } from "../support/checks";

const DEFINE = `mutation ($input: DefineNamespaceInput!) {
  defineNamespace(input: $input) { namespace { id tenantId name description operations { name access } } }
}`;
const CATALOG = `query ($tenantId: ID) { scopeCatalog(tenantId: $tenantId) { tenantId name operations { name access } } }`;

const uniqueName = (label: string) => `${label}-${Math.random().toString(36).slice(2, 8)}`;

describe("scope catalog", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it("ships the reserved namespaces and the documented example", async () => {
    const tenant = await createTenant(sut.root);
    const { scopeCatalog } = await tenant.admin.ok(CATALOG);
    const byName = Object.fromEntries(scopeCatalog.map((ns: { name: string }) => [ns.name, ns]));
    expect(byName.keys.operations).toEqual([
      { name: "list", access: "READ" },
      { name: "verify", access: "READ" },
      { name: "create", access: "WRITE" },
      { name: "update", access: "WRITE" },
      { name: "revoke", access: "WRITE" },
      { name: "define", access: "WRITE" },
    ]);
    expect(byName.platform.operations).toEqual([{ name: "manage", access: "WRITE" }]);
    expect(byName.example.operations.map((op: { name: string }) => op.name)).toEqual(["ListItems", "GetItem", "CreateItem", "UpdateItem", "DeleteItem"]);
  });

  it("lets a tenant with keys:define describe its own API, then grant and check it", async () => {
    const tenant = await createTenant(sut.root);
    const { defineNamespace } = await tenant.admin.ok(DEFINE, {
      input: { name: "billing", description: "Invoices", operations: [{ name: "ListInvoices", access: "READ" }, { name: "Refund", access: "WRITE" }] },
    });
    expect(defineNamespace.namespace).toMatchObject({ tenantId: tenant.id, name: "billing", description: "Invoices" });
    const key = await createKey(tenant.admin, { scopes: ["billing:read"] });
    const check = (scopes: string[]) => tenant.admin.ok(CHECK, { input: { key: key.secret, scopes } });
    expect((await check(["billing:ListInvoices"])).checkKey).toMatchObject({ code: "VALID", matchedScopes: ["billing:read"] });
    expect((await check(["billing:Refund"])).checkKey.code).toBe("FORBIDDEN");
    expect((await check(["billing:write"])).checkKey.code).toBe("FORBIDDEN");
  });

  it("redefines a namespace, and a new operation is checkable at once", async () => {
    const tenant = await createTenant(sut.root);
    const name = uniqueName("crm");
    await tenant.admin.ok(DEFINE, { input: { name, operations: [{ name: "GetContact", access: "READ" }] } });
    const key = await createKey(tenant.admin, { scopes: [`${name}:*`] });
    expect((await tenant.admin.ok(CHECK, { input: { key: key.secret, scopes: [`${name}:DeleteContact`] } })).checkKey.code).toBe("UNKNOWN_SCOPE");
    await tenant.admin.ok(DEFINE, { input: { name, operations: [{ name: "GetContact", access: "READ" }, { name: "DeleteContact", access: "WRITE" }] } });
    expect((await tenant.admin.ok(CHECK, { input: { key: key.secret, scopes: [`${name}:DeleteContact`] } })).checkKey.code).toBe("VALID");
  });

  it("refuses to remove an operation that a key holds or a ceiling names (CONFLICT)", async () => {
    const tenant = await createTenant(sut.root);
    const name = uniqueName("docs");
    const operations = [{ name: "Read", access: "READ" }, { name: "Publish", access: "WRITE" }].map((op) => ({ ...op, name: `${op.name}Doc` }));
    await tenant.admin.ok(DEFINE, { input: { name, operations } });
    await createKey(tenant.admin, { scopes: [`${name}:PublishDoc`] });
    expect(await tenant.admin.code(DEFINE, { input: { name, operations: [operations[0]] } })).toBe("CONFLICT");

    const other = uniqueName("wiki");
    await tenant.admin.ok(DEFINE, { input: { name: other, operations } });
    await createSubscription(sut.root, tenant.id, { scopeCeiling: [`${other}:PublishDoc`] });
    expect(await tenant.admin.code(DEFINE, { input: { name: other, operations: [operations[0]] } })).toBe("CONFLICT");
  });

  it("lets root define platform-wide namespaces that every tenant sees and may not redefine", async () => {
    const name = uniqueName("shared");
    const { defineNamespace } = await sut.root.ok(DEFINE, { input: { name, operations: [{ name: "Ping", access: "READ" }] } });
    expect(defineNamespace.namespace.tenantId).toBe("00000000-0000-7000-8000-000000000001");
    const tenant = await createTenant(sut.root);
    const { scopeCatalog } = await tenant.admin.ok(CATALOG);
    expect(scopeCatalog.map((ns: { name: string }) => ns.name)).toContain(name);
    expect(await tenant.admin.code(DEFINE, { input: { name, operations: [] } })).toBe("CONFLICT");
    const key = await createKey(tenant.admin, { scopes: [`${name}:Ping`] });
    expect((await tenant.admin.ok(CHECK, { input: { key: key.secret, scopes: [`${name}:read`] } })).checkKey.code).toBe("FORBIDDEN");
    expect((await tenant.admin.ok(CHECK, { input: { key: key.secret, scopes: [`${name}:Ping`] } })).checkKey.code).toBe("VALID");
  });

  it("refuses the reserved names and bad definitions", async () => {
    const tenant = await createTenant(sut.root);
    expect(await tenant.admin.code(DEFINE, { input: { name: "keys", operations: [] } })).toBe("CONFLICT");
    expect(await sut.root.code(DEFINE, { input: { name: "platform", operations: [] } })).toBe("CONFLICT");
    for (const input of [
      { name: "Bad Name", operations: [] },
      { name: "ok-name", operations: [{ name: "read", access: "READ" }] },
      { name: "ok-name", operations: [{ name: "*", access: "WRITE" }] },
      { name: "ok-name", operations: [{ name: "Dup", access: "READ" }, { name: "Dup", access: "WRITE" }] },
    ]) {
      expect(await tenant.admin.code(DEFINE, { input })).toBe("BAD_USER_INPUT");
    }
  });

  describe("security", () => {
    it("keeps a tenant's namespaces to itself: another tenant neither sees nor grants them", async () => {
      const owner = await createTenant(sut.root);
      const other = await createTenant(sut.root);
      const name = uniqueName("private");
      await owner.admin.ok(DEFINE, { input: { name, operations: [{ name: "Secret", access: "READ" }] } });
      const { scopeCatalog } = await other.admin.ok(CATALOG);
      expect(scopeCatalog.map((ns: { name: string }) => ns.name)).not.toContain(name);
      const result = await other.admin.request(`mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, {
        input: { name: "x", scopes: [`${name}:Secret`] },
      });
      expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
      expect(await other.admin.code(CATALOG, { tenantId: owner.id })).toBe("NOT_FOUND");
      const othersNamespaceSameName = await other.admin.ok(DEFINE, { input: { name, operations: [] } });
      expect(othersNamespaceSameName.defineNamespace.namespace.tenantId).toBe(other.id);
    });

    it("requires keys:define to define and keys:list to read the catalog", async () => {
      const tenant = await createTenant(sut.root);
      const lister = tenant.admin.as((await createKey(tenant.admin, { scopes: ["keys:list"] })).secret);
      expect(await lister.code(DEFINE, { input: { name: uniqueName("x"), operations: [] } })).toBe("FORBIDDEN");
      expect((await lister.ok(CATALOG)).scopeCatalog.length).toBeGreaterThan(0);
      const verifier = await backendOf(tenant);
      expect(await verifier.code(CATALOG)).toBe("FORBIDDEN");
    });
  });
});
