import { createSubscription, createTenant } from "../support/factories";
import { type TestApp, startTestApp } from "../support/test-app";

const UPDATE = `mutation ($input: UpdateSubscriptionInput!) { updateSubscription(input: $input) { subscription { id name plan scopeCeiling } } }`;
const SET_STATUS = `mutation ($input: SetSubscriptionStatusInput!) { setSubscriptionStatus(input: $input) { subscription { id status } } }`;
const GET = `query ($id: ID!) { subscription(id: $id) { id name tenantId } }`;

describe("subscriptions", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  describe("happy path", () => {
    it("creates an active subscription for the tenant root names", async () => {
      const tenant = await createTenant(sut.root);
      const subscription = await createSubscription(sut.root, tenant.id, { scopeCeiling: ["example:read"] });
      expect(subscription).toMatchObject({ status: "ACTIVE", scopeCeiling: ["example:read"] });
      const { subscription: found } = await tenant.admin.ok(GET, { id: subscription.id });
      expect(found).toEqual({ id: subscription.id, name: "Pro", tenantId: tenant.id });
    });

    it("lists the tenant's subscriptions newest first, filtered by status, for root and for a keys:list principal", async () => {
      const tenant = await createTenant(sut.root);
      const first = await createSubscription(sut.root, tenant.id, { name: "First" });
      const second = await createSubscription(sut.root, tenant.id, { name: "Second" });
      await sut.root.ok(SET_STATUS, { input: { id: first.id, status: "SUSPENDED" } });

      const list = `query ($tenantId: ID, $status: SubscriptionStatus) { subscriptions(tenantId: $tenantId, status: $status) { nodes { id } } }`;
      const byAdmin = await tenant.admin.ok(list, {});
      expect(byAdmin.subscriptions.nodes.map((s: { id: string }) => s.id)).toEqual([second.id, first.id]);
      const byRoot = await sut.root.ok(list, { tenantId: tenant.id, status: "SUSPENDED" });
      expect(byRoot.subscriptions.nodes.map((s: { id: string }) => s.id)).toEqual([first.id]);
    });

    it("updates name, plan and ceiling, leaving absent fields unchanged", async () => {
      const tenant = await createTenant(sut.root);
      const subscription = await createSubscription(sut.root, tenant.id);
      const { updateSubscription } = await sut.root.ok(UPDATE, { input: { id: subscription.id, plan: "enterprise", scopeCeiling: ["example:*"] } });
      expect(updateSubscription.subscription).toEqual({ id: subscription.id, name: "Pro", plan: "enterprise", scopeCeiling: ["example:*"] });
    });

    it("moves between ACTIVE and SUSPENDED; CANCELLED is final", async () => {
      const tenant = await createTenant(sut.root);
      const subscription = await createSubscription(sut.root, tenant.id);
      for (const status of ["SUSPENDED", "ACTIVE", "CANCELLED"]) {
        const result = await sut.root.ok(SET_STATUS, { input: { id: subscription.id, status } });
        expect(result.setSubscriptionStatus.subscription.status).toBe(status);
      }
      expect(await sut.root.code(SET_STATUS, { input: { id: subscription.id, status: "ACTIVE" } })).toBe("CONFLICT");
    });

    it("writes exactly one audit event per change", async () => {
      const tenant = await createTenant(sut.root);
      const subscription = await createSubscription(sut.root, tenant.id);
      await sut.root.ok(UPDATE, { input: { id: subscription.id, name: "Renamed" } });
      await sut.root.ok(SET_STATUS, { input: { id: subscription.id, status: "SUSPENDED" } });
      const rows = await sut.app.dataSource.query(
        "SELECT action, changes FROM audit_events WHERE tenant_id = $1 AND target_id = $2 ORDER BY at, id",
        [tenant.id, subscription.id],
      );
      expect(rows.map((row: { action: string }) => row.action)).toEqual([
        "SUBSCRIPTION_CREATED",
        "SUBSCRIPTION_UPDATED",
        "SUBSCRIPTION_STATUS_CHANGED",
      ]);
      expect(rows[1].changes).toEqual({ name: { before: "Pro", after: "Renamed" } });
      expect(rows[2].changes).toEqual({ status: { before: "ACTIVE", after: "SUSPENDED" } });
    });
  });

  describe("errors", () => {
    it("refuses an unknown grant in the ceiling with BAD_USER_INPUT naming its position", async () => {
      const tenant = await createTenant(sut.root);
      const result = await sut.root.request(
        `mutation ($input: CreateSubscriptionInput!) { createSubscription(input: $input) { subscription { id } } }`,
        { input: { tenantId: tenant.id, name: "X", plan: "x", scopeCeiling: ["example:read", "nosuch:thing"] } },
      );
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "scopeCeiling[1]" });
      expect(result.text).not.toContain("nosuch");
    });

    it("answers NOT_FOUND for a tenant that does not exist, and BAD_USER_INPUT for ids that are not UUIDs", async () => {
      const create = `mutation ($input: CreateSubscriptionInput!) { createSubscription(input: $input) { subscription { id } } }`;
      expect(await sut.root.code(create, { input: { tenantId: "00000000-0000-7000-8000-00000000dead", name: "X", plan: "x" } })).toBe("NOT_FOUND");
      expect(await sut.root.code(create, { input: { tenantId: "nope", name: "X", plan: "x" } })).toBe("BAD_USER_INPUT");
      expect(await sut.root.code(SET_STATUS, { input: { id: "nope", status: "ACTIVE" } })).toBe("BAD_USER_INPUT");
      expect(await sut.root.code(GET, { id: "123" })).toBe("BAD_USER_INPUT");
    });

    it("names blank fields without echoing values", async () => {
      const tenant = await createTenant(sut.root);
      const result = await sut.root.request(
        `mutation ($input: CreateSubscriptionInput!) { createSubscription(input: $input) { subscription { id } } }`,
        { input: { tenantId: tenant.id, name: "   ", plan: "p".repeat(101) } },
      );
      expect(result.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
      expect((result.errors?.[0].extensions?.fields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual(["name", "plan"]);
      expect(result.text).not.toContain("pppppppppp");
    });
  });

  describe("security", () => {
    it("should not show a subscription of another tenant: NOT_FOUND by id, absent from lists", async () => {
      const owner = await createTenant(sut.root);
      const other = await createTenant(sut.root);
      const subscription = await createSubscription(sut.root, owner.id);

      expect(await other.admin.code(GET, { id: subscription.id })).toBe("NOT_FOUND");
      const { subscriptions } = await other.admin.ok(`{ subscriptions { nodes { id } } }`);
      expect(subscriptions.nodes).toEqual([]);
      expect(await other.admin.code(`query ($t: ID) { subscriptions(tenantId: $t) { nodes { id } } }`, { t: owner.id })).toBe("NOT_FOUND");
    });

    it("refuses every subscription change by a tenant principal with FORBIDDEN, even on its own subscriptions", async () => {
      const tenant = await createTenant(sut.root);
      const subscription = await createSubscription(sut.root, tenant.id);
      expect(await tenant.admin.code(UPDATE, { input: { id: subscription.id, name: "Mine" } })).toBe("FORBIDDEN");
      expect(await tenant.admin.code(SET_STATUS, { input: { id: subscription.id, status: "CANCELLED" } })).toBe("FORBIDDEN");
      expect(
        await tenant.admin.code(`mutation ($input: CreateSubscriptionInput!) { createSubscription(input: $input) { subscription { id } } }`, {
          input: { name: "Free upgrade", plan: "enterprise" },
        }),
      ).toBe("FORBIDDEN");
      const { subscription: unchanged } = await sut.root.ok(`query ($id: ID!) { subscription(id: $id) { name status } }`, { id: subscription.id });
      expect(unchanged).toEqual({ name: "Pro", status: "ACTIVE" });
    });

    it("requires credentials", async () => {
      const result = await sut.client.request(`{ subscriptions { nodes { id } } }`);
      expect(result.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    });
  });
});
