import { PLATFORM_TENANT_ID } from "../../src/core/tenancy";
import { createTenant, uniqueSlug } from "../support/factories";
import { type TestApp, startTestApp } from "../support/test-app";

const CREATE_TENANT = `mutation ($input: CreateTenantInput!) {
  createTenant(input: $input) {
    tenant { id slug name status keyPrefix policy { maxTtlDays requireExpiry expiringSoonDays wildcardMaxTtlDays } }
    adminKey { secret apiKey { id name scopes status maskedKey prefix } }
  }
}`;

describe("tenants", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  describe("createTenant", () => {
    it("creates an active tenant with the default policy and returns its first admin key once", async () => {
      const slug = uniqueSlug("acme");
      const { createTenant: payload } = await sut.root.ok(CREATE_TENANT, { input: { slug, name: "  Acme Corp  ", keyPrefix: "acme" } });

      expect(payload.tenant).toMatchObject({
        slug,
        name: "Acme Corp",
        status: "ACTIVE",
        keyPrefix: "acme",
        policy: { maxTtlDays: 365, requireExpiry: false, expiringSoonDays: 30, wildcardMaxTtlDays: 7 },
      });
      expect(payload.adminKey.secret).toMatch(/^acme_[0-9A-Za-z]{50}$/);
      expect(payload.adminKey.apiKey).toMatchObject({ scopes: ["keys:*"], status: "ACTIVE", prefix: "acme" });
      expect(payload.adminKey.apiKey.maskedKey).toBe(`${payload.adminKey.secret.slice(0, 17)}…${payload.adminKey.secret.slice(-4)}`);
    });

    it("lets the admin key act as a principal of the new tenant", async () => {
      const tenant = await createTenant(sut.root);
      const { me } = await tenant.admin.ok(`{ me { kind tenantId keyId name scopes } }`);
      expect(me).toEqual({ kind: "TENANT", tenantId: tenant.id, keyId: tenant.adminKeyId, name: "Admin key", scopes: ["keys:*"] });
    });

    it("applies a custom policy", async () => {
      const { createTenant: payload } = await sut.root.ok(CREATE_TENANT, {
        input: { slug: uniqueSlug(), name: "Strict", policy: { maxTtlDays: 90, requireExpiry: true, expiringSoonDays: 14, wildcardMaxTtlDays: 1 } },
      });
      expect(payload.tenant.policy).toEqual({ maxTtlDays: 90, requireExpiry: true, expiringSoonDays: 14, wildcardMaxTtlDays: 1 });
    });

    it("refuses a slug that is taken with CONFLICT and writes nothing", async () => {
      const tenant = await createTenant(sut.root);
      const result = await sut.root.request(CREATE_TENANT, { input: { slug: tenant.slug, name: "Again" } });
      expect(result.errors?.[0].extensions?.code).toBe("CONFLICT");
      const [{ count }] = await sut.app.dataSource.query("SELECT count(*)::int AS count FROM tenants WHERE slug = $1", [tenant.slug]);
      expect(count).toBe(1);
    });

    it("refuses the reserved slug platform", async () => {
      expect(await sut.root.code(CREATE_TENANT, { input: { slug: "platform", name: "Mine" } })).toBe("CONFLICT");
    });

    it("names each invalid field without echoing its value", async () => {
      const result = await sut.root.request(CREATE_TENANT, {
        input: { slug: "Not A Slug!", name: "x".repeat(101), keyPrefix: "9bad", policy: { maxTtlDays: 0 } },
      });
      const error = result.errors?.[0];
      expect(error?.extensions?.code).toBe("BAD_USER_INPUT");
      const fields = (error?.extensions?.fields as Array<{ field: string }>).map((f) => f.field).sort();
      expect(fields).toEqual(["keyPrefix", "name", "policy.maxTtlDays", "slug"]);
      expect(result.text).not.toContain("Not A Slug!");
      expect(result.text).not.toContain("xxxxxxxxxx");
      expect(result.text).not.toContain("9bad");
    });

    it("refuses a wildcard limit above the key lifetime limit", async () => {
      const result = await sut.root.request(CREATE_TENANT, {
        input: { slug: uniqueSlug(), name: "Odd", policy: { maxTtlDays: 5, wildcardMaxTtlDays: 7 } },
      });
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "policy.wildcardMaxTtlDays" });
    });
  });

  describe("tenants and tenant", () => {
    it("lists tenants newest first across pages with no duplicates", async () => {
      const created = [await createTenant(sut.root), await createTenant(sut.root), await createTenant(sut.root)];
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const { tenants }: any = await sut.root.ok(`query ($after: String) { tenants(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }`, { after });
        seen.push(...tenants.nodes.map((t: { id: string }) => t.id));
        after = tenants.pageInfo.hasNextPage ? tenants.pageInfo.endCursor : null;
      } while (after);
      expect(new Set(seen).size).toBe(seen.length);
      const positions = created.map((t) => seen.indexOf(t.id));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => b - a));
      expect(seen).toContain(PLATFORM_TENANT_ID);
    });

    it("finds one tenant by id, and answers NOT_FOUND for an unknown id and BAD_USER_INPUT for a non-UUID", async () => {
      const tenant = await createTenant(sut.root);
      const { tenant: found } = await sut.root.ok(`query ($id: ID!) { tenant(id: $id) { id slug } }`, { id: tenant.id });
      expect(found).toEqual({ id: tenant.id, slug: tenant.slug });
      expect(await sut.root.code(`{ tenant(id: "00000000-0000-7000-8000-00000000ffff") { id } }`)).toBe("NOT_FOUND");
      expect(await sut.root.code(`{ tenant(id: "not-a-uuid") { id } }`)).toBe("BAD_USER_INPUT");
    });

    it("is root only: a tenant admin gets FORBIDDEN", async () => {
      const tenant = await createTenant(sut.root);
      expect(await tenant.admin.code(`{ tenants { nodes { id } } }`)).toBe("FORBIDDEN");
      expect(await tenant.admin.code(`query ($id: ID!) { tenant(id: $id) { id } }`, { id: tenant.id })).toBe("FORBIDDEN");
    });
  });

  describe("updateTenant, suspendTenant, resumeTenant", () => {
    it("renames and changes the prefix and policy, leaving absent fields unchanged", async () => {
      const tenant = await createTenant(sut.root);
      const { updateTenant } = await sut.root.ok(
        `mutation ($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { name keyPrefix policy { maxTtlDays expiringSoonDays } } } }`,
        { input: { id: tenant.id, name: "Renamed", keyPrefix: "new_prefix", policy: { maxTtlDays: 30 } } },
      );
      expect(updateTenant.tenant).toEqual({ name: "Renamed", keyPrefix: "new_prefix", policy: { maxTtlDays: 30, expiringSoonDays: 30 } });
    });

    it("suspends and resumes; a suspended tenant's admin may do nothing but checkKey", async () => {
      const tenant = await createTenant(sut.root);
      const suspended = await sut.root.ok(`mutation ($id: ID!) { suspendTenant(input: { id: $id }) { tenant { status } } }`, { id: tenant.id });
      expect(suspended.suspendTenant.tenant.status).toBe("SUSPENDED");
      expect(await tenant.admin.code(`{ me { kind } }`)).toBe("FORBIDDEN");
      expect(await tenant.admin.code(`{ subscriptions { nodes { id } } }`)).toBe("FORBIDDEN");

      const resumed = await sut.root.ok(`mutation ($id: ID!) { resumeTenant(input: { id: $id }) { tenant { status } } }`, { id: tenant.id });
      expect(resumed.resumeTenant.tenant.status).toBe("ACTIVE");
      expect((await tenant.admin.ok(`{ me { kind } }`)).me.kind).toBe("TENANT");
    });

    it("answers CONFLICT when suspending twice or the platform tenant", async () => {
      const tenant = await createTenant(sut.root);
      const suspend = `mutation ($id: ID!) { suspendTenant(input: { id: $id }) { tenant { status } } }`;
      await sut.root.ok(suspend, { id: tenant.id });
      expect(await sut.root.code(suspend, { id: tenant.id })).toBe("CONFLICT");
      expect(await sut.root.code(suspend, { id: PLATFORM_TENANT_ID })).toBe("CONFLICT");
    });

    it("records one audit event per change, in the tenant's log", async () => {
      const tenant = await createTenant(sut.root);
      await sut.root.ok(`mutation ($id: ID!) { suspendTenant(input: { id: $id }) { tenant { id } } }`, { id: tenant.id });
      const rows = await sut.app.dataSource.query(
        "SELECT action, outcome, actor_kind FROM audit_events WHERE tenant_id = $1 ORDER BY at, id",
        [tenant.id],
      );
      expect(rows).toEqual([
        { action: "TENANT_CREATED", outcome: "SUCCESS", actor_kind: "ROOT" },
        { action: "TENANT_SUSPENDED", outcome: "SUCCESS", actor_kind: "ROOT" },
      ]);
    });

    it("refuses a tenant admin with FORBIDDEN and records the attempt as DENIED", async () => {
      const tenant = await createTenant(sut.root);
      const result = await tenant.admin.request(`mutation ($id: ID!) { suspendTenant(input: { id: $id }) { tenant { id } } }`, { id: tenant.id });
      expect(result.errors?.[0].extensions?.code).toBe("FORBIDDEN");
      const rows = await sut.app.dataSource.query(
        "SELECT action, outcome, actor_id FROM audit_events WHERE tenant_id = $1 AND outcome = 'DENIED'",
        [tenant.id],
      );
      expect(rows).toEqual([{ action: "TENANT_SUSPENDED", outcome: "DENIED", actor_id: tenant.adminKeyId }]);
    });
  });
});
