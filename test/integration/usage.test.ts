import { createTenant } from "../support/factories";
import { GET_KEY, LIST_KEYS, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";
import { CHECK, backendOf } from "../support/checks";


describe("usage (lastUsedAt, usageCount)", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp({ usageFlushMs: 60_000 });
  });
  afterAll(() => sut.close());

  async function usageOf(id: string) {
    const [row] = await sut.app.dataSource.query("SELECT usage_count::int AS count, last_used_at FROM api_keys WHERE id = $1", [id]);
    return row as { count: number; last_used_at: Date | null };
  }

  it("is written behind the request path, in one batch, and the first use of a key counts", async () => {
    const tenant = await createTenant(sut.root);
    const backend = await backendOf(tenant);
    const usedOnce = await createKey(tenant.admin);
    const usedOften = await createKey(tenant.admin);
    await sut.app.services.usage.flush();

    const before = Date.now();
    await backend.ok(CHECK, { input: { key: usedOnce.secret } });
    for (let i = 0; i < 5; i++) await backend.ok(CHECK, { input: { key: usedOften.secret } });
    expect((await usageOf(usedOnce.id)).count).toBe(0);

    await sut.app.services.usage.flush();
    const once = await usageOf(usedOnce.id);
    expect(once.count).toBe(1);
    expect(once.last_used_at!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect((await usageOf(usedOften.id)).count).toBe(5);
    const { apiKey } = await tenant.admin.ok(GET_KEY, { id: usedOften.id });
    expect(apiKey.usageCount).toBe(5);
    expect(apiKey.lastUsedAt).not.toBeNull();
  });

  it("counts only authentic, usable keys: refused checks are not uses", async () => {
    const tenant = await createTenant(sut.root);
    const backend = await backendOf(tenant);
    const key = await createKey(tenant.admin, { allowedCidrs: ["10.0.0.0/8"] });
    await backend.ok(CHECK, { input: { key: key.secret, clientIp: "192.0.2.1" } });
    await sut.app.services.usage.flush();
    expect((await usageOf(key.id)).count).toBe(0);
  });

  it("counts a key used as a credential of the management API", async () => {
    const tenant = await createTenant(sut.root);
    const reader = await createKey(tenant.admin, { scopes: ["keys:list"] });
    await tenant.admin.as(reader.secret).ok(`{ me { keyId } }`);
    await sut.app.services.usage.flush();
    expect((await usageOf(reader.id)).count).toBe(1);
  });

  it("sorts by lastUsedAt once flushed", async () => {
    const tenant = await createTenant(sut.root);
    const backend = await backendOf(tenant);
    const older = await createKey(tenant.admin, { name: "older user" });
    const newer = await createKey(tenant.admin, { name: "newer user" });
    await backend.ok(CHECK, { input: { key: older.secret } });
    await sut.app.services.usage.flush();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await backend.ok(CHECK, { input: { key: newer.secret } });
    await sut.app.services.usage.flush();
    const { apiKeys } = await sut.root.ok(LIST_KEYS, { tenantId: tenant.id, filter: { search: "user" }, orderBy: { field: "LAST_USED_AT", direction: "DESC" }, first: 2 });
    expect(apiKeys.nodes.map((key: { name: string }) => key.name)).toEqual(["newer user", "older user"]);
  });

  it("flushes what is pending when the server shuts down", async () => {
    const other = await startTestApp({ usageFlushMs: 60_000 });
    const tenant = await createTenant(other.root);
    const key = await createKey(tenant.admin, { scopes: ["keys:list"] });
    await tenant.admin.as(key.secret).ok(`{ me { keyId } }`);
    await other.close();
    expect((await usageOf(key.id)).count).toBe(1);
  });
});
