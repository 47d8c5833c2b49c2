import { randomBytes } from "node:crypto";
import { createSubscription, createTenant, uniqueSlug } from "../support/factories";
import { DISABLE_KEY, ENABLE_KEY, REGENERATE_KEY, REVOKE_KEY, UPDATE_KEY, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";
import { backendOf } from "../support/checks";

const EVENTS = `query ($tenantId: ID, $filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(tenantId: $tenantId, filter: $filter, first: $first, after: $after) {
    nodes { id at action outcome targetType targetId requestId ip userAgent changes actor { kind id label } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe("the audit log", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  const eventsOf = async (tenantId: string) =>
    (await sut.app.dataSource.query("SELECT * FROM audit_events WHERE tenant_id = $1 ORDER BY at, id", [tenantId])) as Array<Record<string, any>>;

  it("writes exactly one event per successful mutation, with actor, target, request and the changed fields", async () => {
    const agent = { "user-agent": "audit-test/1.0" };
    const root = sut.root;
    const tenant = await createTenant(root);
    const admin = tenant.admin;
    const steps: Array<[string, () => Promise<unknown>]> = [];
    let keyId = "";
    let subscriptionId = "";
    steps.push(["TENANT_UPDATED", () => root.request(`mutation ($id: ID!) { updateTenant(input: { id: $id, name: "Renamed" }) { tenant { id } } }`, { id: tenant.id }, agent)]);
    steps.push(["SUBSCRIPTION_CREATED", async () => (subscriptionId = (await createSubscription(root, tenant.id)).id)]);
    steps.push(["SUBSCRIPTION_UPDATED", () => root.request(`mutation ($id: ID!) { updateSubscription(input: { id: $id, plan: "gold" }) { subscription { id } } }`, { id: subscriptionId }, agent)]);
    steps.push(["SUBSCRIPTION_STATUS_CHANGED", () => root.request(`mutation ($id: ID!) { setSubscriptionStatus(input: { id: $id, status: SUSPENDED }) { subscription { id } } }`, { id: subscriptionId }, agent)]);
    steps.push(["KEY_CREATED", async () => (keyId = (await createKey(admin, { name: "audited" })).id)]);
    steps.push(["KEY_UPDATED", () => admin.request(UPDATE_KEY, { input: { id: keyId, name: "audited twice" } }, agent)]);
    steps.push(["KEY_DISABLED", () => admin.request(DISABLE_KEY, { input: { id: keyId } }, agent)]);
    steps.push(["KEY_ENABLED", () => admin.request(ENABLE_KEY, { input: { id: keyId } }, agent)]);
    steps.push(["KEY_REGENERATED", () => admin.request(REGENERATE_KEY, { input: { id: keyId, gracePeriodSeconds: 60 } }, agent)]);
    steps.push(["KEY_REVOKED", () => admin.request(REVOKE_KEY, { input: { id: keyId } }, agent)]);
    steps.push(["NAMESPACE_DEFINED", () => admin.request(`mutation { defineNamespace(input: { name: "audited", operations: [] }) { namespace { id } } }`, {}, agent)]);
    steps.push(["TENANT_SUSPENDED", () => root.request(`mutation ($id: ID!) { suspendTenant(input: { id: $id }) { tenant { id } } }`, { id: tenant.id }, agent)]);
    steps.push(["TENANT_RESUMED", () => root.request(`mutation ($id: ID!) { resumeTenant(input: { id: $id }) { tenant { id } } }`, { id: tenant.id }, agent)]);

    for (const [action, step] of steps) {
      const before = (await eventsOf(tenant.id)).length;
      await step();
      const after = await eventsOf(tenant.id);
      expect({ action, added: after.length - before }).toEqual({ action, added: 1 });
      expect(after.at(-1)).toMatchObject({ action, outcome: "SUCCESS" });
    }

    const events = await eventsOf(tenant.id);
    expect(events[0]).toMatchObject({ action: "TENANT_CREATED", actor_kind: "ROOT", target_type: "Tenant", target_id: tenant.id });
    const renamed = events.find((event) => event.action === "KEY_UPDATED")!;
    expect(renamed).toMatchObject({
      actor_kind: "TENANT_KEY",
      actor_id: tenant.adminKeyId,
      actor_label: "Admin key",
      target_type: "ApiKey",
      target_id: keyId,
      ip: "127.0.0.1",
      user_agent: "audit-test/1.0",
      changes: { name: { before: "audited", after: "audited twice" } },
    });
    expect(renamed.request_id).toMatch(/^[0-9a-f-]{36}$/);
    const revoked = events.find((event) => event.action === "KEY_REVOKED")!;
    expect(Object.keys(revoked.changes)).toEqual(["revokedAt"]);
  });

  it("never records a secret or a hash", async () => {
    const tenant = await createTenant(sut.root);
    const key = await createKey(tenant.admin);
    const { regenerateApiKey } = await tenant.admin.ok(REGENERATE_KEY, { input: { id: key.id } });
    const hashes = (await sut.app.dataSource.query("SELECT secret_hash FROM api_keys WHERE tenant_id = $1", [tenant.id])).map(
      (row: { secret_hash: string }) => row.secret_hash,
    );
    const events = JSON.stringify(await eventsOf(tenant.id));
    for (const secret of [tenant.adminKey, key.secret, regenerateApiKey.secret, ...hashes]) expect(events).not.toContain(secret);
  });

  describe("a failed audit write rolls the mutation back", () => {
    const suffix = randomBytes(4).toString("hex");
    const fn = `keysmith_test_fail_audit_${suffix}`;
    const trigger = `keysmith_test_fail_audit_${suffix}`;
    let tenantId = "";
    let admin: Awaited<ReturnType<typeof createTenant>>["admin"];

    beforeAll(async () => {
      const tenant = await createTenant(sut.root);
      tenantId = tenant.id;
      admin = tenant.admin;
    });
    afterEach(async () => {
      await sut.app.dataSource.query(`DROP TRIGGER IF EXISTS ${trigger} ON audit_events`);
      await sut.app.dataSource.query(`DROP FUNCTION IF EXISTS ${fn}()`);
    });

    async function failAuditWrites() {
      await sut.app.dataSource.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store unavailable'; END $$`);
      await sut.app.dataSource.query(
        `CREATE TRIGGER ${trigger} BEFORE INSERT ON audit_events FOR EACH ROW WHEN (NEW.tenant_id = '${tenantId}'::uuid) EXECUTE FUNCTION ${fn}()`,
      );
    }

    // Every column a mutation could change; usage is written behind by its own flush, whenever it runs.
    const snapshot = async () => ({
      keys: (await sut.app.dataSource.query("SELECT * FROM api_keys WHERE tenant_id = $1 ORDER BY id", [tenantId])).map(
        ({ last_used_at: _lastUsedAt, usage_count: _usageCount, ...row }: Record<string, unknown>) => row,
      ),
      grants: await sut.app.dataSource.query("SELECT api_key_id, scope FROM permission_grants WHERE tenant_id = $1 ORDER BY 1, 2", [tenantId]),
      events: (await eventsOf(tenantId)).length,
    });

    it.each([
      ["createApiKey", () => admin.request(`mutation { createApiKey(input: { name: "never", scopes: ["example:read"] }) { secret } }`)],
      ["updateApiKey", (id: string) => admin.request(UPDATE_KEY, { input: { id, name: "never", scopes: ["example:*"] } })],
      ["disableApiKey", (id: string) => admin.request(DISABLE_KEY, { input: { id } })],
      ["revokeApiKey", (id: string) => admin.request(REVOKE_KEY, { input: { id } })],
      ["regenerateApiKey", (id: string) => admin.request(REGENERATE_KEY, { input: { id } })],
    ])("%s changes nothing", async (_name, mutate) => {
      const key = await createKey(admin, { name: "subject", scopes: ["example:read"] });
      await failAuditWrites();
      const before = await snapshot();
      const result = (await mutate(key.id)) as { errors?: Array<{ extensions?: { code?: string } }> };
      expect(result.errors?.[0].extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      expect(await snapshot()).toEqual(before);
    });
  });

  it("records a refused mutation as one DENIED event in its own transaction, and changes nothing", async () => {
    const tenant = await createTenant(sut.root);
    const key = await createKey(tenant.admin);
    const reader = await createKey(tenant.admin, { scopes: ["keys:list"] });
    const result = await tenant.admin.as(reader.secret).request(REVOKE_KEY, { input: { id: key.id } });
    expect(result.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const denied = (await eventsOf(tenant.id)).filter((event) => event.outcome === "DENIED");
    expect(denied).toEqual([expect.objectContaining({ action: "KEY_REVOKED", actor_id: reader.id, target_id: key.id, target_type: "ApiKey" })]);
    const [{ revoked_at }] = await sut.app.dataSource.query("SELECT revoked_at FROM api_keys WHERE id = $1", [key.id]);
    expect(revoked_at).toBeNull();
  });

  describe("auditEvents", () => {
    it("pages newest first with no duplicates or gaps, and filters by action, target, actor and time", async () => {
      const tenant = await createTenant(sut.root);
      const keys = [];
      for (let i = 0; i < 5; i++) keys.push(await createKey(tenant.admin, { name: `k${i}` }));
      const middle = new Date();
      await tenant.admin.ok(REVOKE_KEY, { input: { id: keys[2].id } });

      const seen: Array<Record<string, any>> = [];
      let after: string | null = null;
      do {
        const { auditEvents }: any = await tenant.admin.ok(EVENTS, { first: 2, after });
        seen.push(...auditEvents.nodes);
        after = auditEvents.pageInfo.hasNextPage ? auditEvents.pageInfo.endCursor : null;
      } while (after);
      expect(seen.map((event) => event.action)).toEqual(["KEY_REVOKED", ...Array(5).fill("KEY_CREATED"), "TENANT_CREATED"]);
      expect(new Set(seen.map((event) => event.id)).size).toBe(7);

      const only = async (filter: Record<string, unknown>) => (await tenant.admin.ok(EVENTS, { filter })).auditEvents.nodes;
      expect((await only({ action: "KEY_REVOKED" })).map((event: any) => event.targetId)).toEqual([keys[2].id]);
      expect((await only({ targetId: keys[0].id })).map((event: any) => event.action)).toEqual(["KEY_CREATED"]);
      expect(await only({ actorId: tenant.adminKeyId })).toHaveLength(6);
      expect((await only({ since: middle.toISOString() })).map((event: any) => event.action)).toEqual(["KEY_REVOKED"]);
      expect((await only({ until: middle.toISOString() })).map((event: any) => event.action)).not.toContain("KEY_REVOKED");
    });

    it("is tenant-scoped: another tenant never sees these events; root reads them with tenantId", async () => {
      const tenant = await createTenant(sut.root);
      const other = await createTenant(sut.root, { slug: uniqueSlug("other") });
      const { auditEvents } = await other.admin.ok(EVENTS, {});
      expect(auditEvents.nodes.every((event: any) => event.targetId !== tenant.id)).toBe(true);
      expect(await other.admin.code(EVENTS, { tenantId: tenant.id })).toBe("NOT_FOUND");
      const byRoot = await sut.root.ok(EVENTS, { tenantId: tenant.id });
      expect(byRoot.auditEvents.nodes.map((event: any) => event.action)).toEqual(["TENANT_CREATED"]);
    });

    it("requires keys:list", async () => {
      const tenant = await createTenant(sut.root);
      expect(await (await backendOf(tenant)).code(EVENTS, {})).toBe("FORBIDDEN");
    });
  });
});
