import { createSubscription, createTenant, type TenantFixture } from "../support/factories";
import {
  DISABLE_KEY,
  ENABLE_KEY,
  GET_KEY,
  LIST_KEYS,
  REGENERATE_KEY,
  REVOKE_KEY,
  STATS,
  UPDATE_KEY,
  createKey,
} from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";

const DAY = 24 * 60 * 60 * 1000;
const ME = `{ me { keyId } }`;

describe("key lifecycle", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  /** Moves a key's expiry into the past, as time passing would (the API refuses past expiries). */
  const expireNow = (id: string) =>
    sut.app.dataSource.query("UPDATE api_keys SET expires_at = $2 WHERE id = $1", [id, new Date(Date.now() - 1000)]);

  async function listAll(client: TestApp["client"], variables: Record<string, unknown>, pageSize = 2) {
    const rows: Array<Record<string, any>> = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const { apiKeys }: any = await client.ok(LIST_KEYS, { ...variables, first: pageSize, after });
      rows.push(...apiKeys.nodes);
      if (!apiKeys.pageInfo.hasNextPage) return rows;
      after = apiKeys.pageInfo.endCursor;
    }
    throw new Error("pagination did not end");
  }

  describe("createApiKey", () => {
    it("returns the full key once and shows only the masked form afterwards", async () => {
      const tenant = await createTenant(sut.root, { keyPrefix: "acme" });
      const created = await createKey(tenant.admin, {
        name: "  Billing service  ",
        description: "Charges cards",
        externalId: "user-42",
        scopes: ["example:read", "example:CreateItem"],
        expiresInDays: 30,
        allowedCidrs: ["10.0.0.0/8", "2001:db8::/32"],
        rateLimit: { limit: 100, windowSeconds: 60 },
        metadata: { plan: "gold", seats: 3 },
      });
      expect(created.secret).toMatch(/^acme_[0-9A-Za-z]{50}$/);
      expect(created.apiKey).toMatchObject({
        name: "Billing service",
        description: "Charges cards",
        externalId: "user-42",
        prefix: "acme",
        status: "ACTIVE",
        enabled: true,
        scopes: ["example:CreateItem", "example:read"],
        allowedCidrs: ["10.0.0.0/8", "2001:db8::/32"],
        rateLimit: { limit: 100, windowSeconds: 60 },
        metadata: { plan: "gold", seats: 3 },
        createdBy: tenant.adminKeyId,
        usageCount: 0,
        lastUsedAt: null,
      });
      expect(created.apiKey.maskedKey).toBe(`${created.secret.slice(0, 17)}…${created.secret.slice(-4)}`);
      const expiresIn = new Date(created.apiKey.expiresAt).getTime() - Date.now();
      expect(expiresIn).toBeGreaterThan(30 * DAY - 60_000);
      expect(expiresIn).toBeLessThanOrEqual(30 * DAY);

      const { apiKey } = await tenant.admin.ok(GET_KEY, { id: created.id });
      expect(apiKey.maskedKey).toBe(created.apiKey.maskedKey);
      const listed = await listAll(tenant.admin, {});
      expect(listed.find((key) => key.id === created.id)?.maskedKey).toBe(created.apiKey.maskedKey);
      const text = JSON.stringify([apiKey, listed]);
      expect(text).not.toContain(created.secret.slice(-40));
    });

    it("binds a subscription named twice, in either letter case, once", async () => {
      const tenant = await createTenant(sut.root);
      const subscription = await createSubscription(sut.root, tenant.id);
      const created = await createKey(tenant.admin, { subscriptionIds: [subscription.id, subscription.id.toUpperCase()] });
      expect(created.apiKey.subscriptionIds).toEqual([subscription.id]);
    });

    it("creates a working credential bound to active subscriptions", async () => {
      const tenant = await createTenant(sut.root);
      const subscription = await createSubscription(sut.root, tenant.id);
      const created = await createKey(tenant.admin, { scopes: ["keys:list"], subscriptionIds: [subscription.id] });
      expect(created.apiKey.subscriptionIds).toEqual([subscription.id]);
      expect((await tenant.admin.as(created.secret).ok(ME)).me.keyId).toBe(created.id);
    });
  });

  describe("apiKeys", () => {
    let tenant: TenantFixture;
    /** Root reads the tenant's keys, so no read bumps the lastUsedAt of a key in the list. */
    const list = (variables: Record<string, unknown>, pageSize?: number) =>
      listAll(sut.root, { ...variables, tenantId: tenant.id }, pageSize);
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      tenant = await createTenant(sut.root, { keyPrefix: "lst" });
      const subscription = await createSubscription(sut.root, tenant.id);
      ids.subscriptionId = subscription.id;
      ids.active = (await createKey(tenant.admin, { name: "Alpha", description: "first of all", externalId: "owner-1" })).id;
      ids.expiringSoon = (await createKey(tenant.admin, { name: "bravo", expiresInDays: 3, subscriptionIds: [subscription.id] })).id;
      ids.expiresLater = (await createKey(tenant.admin, { name: "Charlie", expiresInDays: 200, externalId: "owner-1" })).id;
      ids.expired = (await createKey(tenant.admin, { name: "Delta", expiresInDays: 10 })).id;
      ids.disabled = (await createKey(tenant.admin, { name: "echo" })).id;
      ids.revoked = (await createKey(tenant.admin, { name: "Foxtrot", description: "gone" })).id;
      ids.inGrace = (await createKey(tenant.admin, { name: "Golf" })).id;
      await expireNow(ids.expired);
      await tenant.admin.ok(DISABLE_KEY, { input: { id: ids.disabled } });
      await tenant.admin.ok(REVOKE_KEY, { input: { id: ids.revoked, reason: "leaked" } });
      const { regenerateApiKey } = await tenant.admin.ok(REGENERATE_KEY, { input: { id: ids.inGrace, gracePeriodSeconds: 3600 } });
      ids.successor = regenerateApiKey.apiKey.id;
      await sut.app.services.usage.flush();
      await sut.app.dataSource.query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1", [ids.active, new Date(Date.now() - DAY)]);
      await sut.app.dataSource.query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1", [ids.expiresLater, new Date(Date.now() - 2 * DAY)]);
    });

    it.each([
      ["ACTIVE", ["admin", "active", "expiringSoon", "expiresLater", "inGrace", "successor"]],
      ["EXPIRING_SOON", ["expiringSoon"]],
      ["EXPIRED", ["expired"]],
      ["DISABLED", ["disabled"]],
      ["REVOKED", ["revoked"]],
    ])("filters by status %s, derived from the timestamps at query time", async (status, expected) => {
      const rows = await list({ filter: { status } });
      const expectedIds = expected.map((name) => (name === "admin" ? tenant.adminKeyId : ids[name]));
      expect(rows.map((row) => row.id).sort()).toEqual(expectedIds.sort());
      const statusShown = status === "EXPIRING_SOON" ? "ACTIVE" : status;
      expect(rows.every((row) => row.status === statusShown)).toBe(true);
    });

    it("shows stats that match the list for every status", async () => {
      const { apiKeyStats } = await tenant.admin.ok(STATS);
      const count = async (status: string) => (await list({ filter: { status } }, 100)).length;
      expect(apiKeyStats).toEqual({
        total: await count("ALL"),
        active: await count("ACTIVE"),
        expiringSoon: await count("EXPIRING_SOON"),
        expired: await count("EXPIRED"),
        disabled: await count("DISABLED"),
        revoked: await count("REVOKED"),
      });
      expect(apiKeyStats.total).toBe(9);
    });

    it("counts totalCount only when asked, matching the filter", async () => {
      const { apiKeys } = await tenant.admin.ok(`{ apiKeys(first: 1, filter: { status: ACTIVE }) { totalCount nodes { id } } }`);
      expect(apiKeys.totalCount).toBe(6);
      expect(apiKeys.nodes).toHaveLength(1);
    });

    it.each([
      ["name", "alp", ["active"]],
      ["description", "GONE", ["revoked"]],
      ["prefix and lookup id", "lst_", "all"],
    ])("searches by %s", async (_what, search, expected) => {
      const rows = await list({ filter: { search } }, 100);
      if (expected === "all") return expect(rows).toHaveLength(9);
      const expectedIds = (expected as string[]).map((name) => ids[name]);
      expect(rows.map((row) => row.id)).toEqual(expect.arrayContaining(expectedIds));
      // Search matches parts of keys too: a random lookup id may contain the term, and only that explains another row.
      const unexplained = rows.filter((row) => !expectedIds.includes(row.id) && !String(row.maskedKey).toLowerCase().includes(String(search).toLowerCase()));
      expect(unexplained).toEqual([]);
    });

    it("searches by a part of the key: lookup id, last four characters, or the masked form", async () => {
      const { apiKey } = await tenant.admin.ok(GET_KEY, { id: ids.active });
      const masked: string = apiKey.maskedKey;
      const lookupId = masked.slice("lst_".length, "lst_".length + 12);
      const last4 = masked.slice(-4);
      for (const search of [lookupId.slice(0, 8), last4, masked]) {
        const rows = await list({ filter: { search } }, 100);
        expect(rows.map((row) => row.id)).toContain(ids.active);
        expect(rows.length).toBeLessThan(9);
      }
    });

    it("filters by externalId, createdBy and subscription", async () => {
      const byOwner = await list({ filter: { externalId: "owner-1" } });
      expect(byOwner.map((row) => row.id).sort()).toEqual([ids.active, ids.expiresLater].sort());
      const byCreator = await list({ filter: { createdBy: tenant.adminKeyId } }, 100);
      expect(byCreator).toHaveLength(8);
      const bySubscription = await list({ filter: { subscriptionId: ids.subscriptionId } });
      expect(bySubscription.map((row) => row.id)).toEqual([ids.expiringSoon]);
    });

    const compare = (field: string, direction: string) => (a: Record<string, any>, b: Record<string, any>) => {
      const value = (row: Record<string, any>) => {
        if (field === "NAME") return row.name.toLowerCase();
        if (field === "EXPIRES_AT") return row.expiresAt;
        if (field === "LAST_USED_AT") return row.lastUsedAt;
        if (field === "CREATED_BY") return row.createdBy;
        return null;
      };
      const [x, y] = [value(a), value(b)];
      const sign = direction === "ASC" ? 1 : -1;
      if (x === y) return a.id < b.id ? -sign : a.id > b.id ? sign : 0;
      if (x === null) return 1;
      if (y === null) return -1;
      if (field === "EXPIRES_AT" || field === "LAST_USED_AT") return (new Date(x).getTime() - new Date(y).getTime()) * sign;
      return x < y ? -sign : sign;
    };

    it.each(
      ["NAME", "EXPIRES_AT", "CREATED_BY", "LAST_USED_AT"].flatMap((field) => [
        [field, "ASC"],
        [field, "DESC"],
      ]),
    )("sorts by %s %s with nulls last, across pages with no duplicates or gaps", async (field, direction) => {
      const everything = await list({ orderBy: { field, direction } }, 100);
      expect(everything).toHaveLength(9);
      expect(everything).toEqual([...everything].sort(compare(field, direction)));
      for (const pageSize of [1, 2, 4]) {
        const paged = await list({ orderBy: { field, direction } }, pageSize);
        expect(paged.map((row) => row.id)).toEqual(everything.map((row) => row.id));
      }
    });

    it.each(["ASC", "DESC"])("sorts by CREATED_AT %s, newest first by default", async (direction) => {
      const ordered = await list({ orderBy: { field: "CREATED_AT", direction } }, 3);
      const creation = [tenant.adminKeyId, ids.active, ids.expiringSoon, ids.expiresLater, ids.expired, ids.disabled, ids.revoked, ids.inGrace, ids.successor];
      expect(ordered.map((row) => row.id)).toEqual(direction === "ASC" ? creation : [...creation].reverse());
      const byDefault = await list({}, 4);
      expect(byDefault.map((row) => row.id)).toEqual([...creation].reverse());
    });
  });

  describe("updateApiKey", () => {
    it("changes what it is given, keeps what is absent, and clears what is null", async () => {
      const tenant = await createTenant(sut.root);
      const created = await createKey(tenant.admin, {
        name: "Before",
        description: "old",
        externalId: "u1",
        scopes: ["example:read"],
        expiresInDays: 30,
        allowedCidrs: ["10.0.0.0/8"],
        rateLimit: { limit: 5, windowSeconds: 1 },
        metadata: { a: 1 },
      });
      const { updateApiKey } = await tenant.admin.ok(UPDATE_KEY, {
        input: { id: created.id, name: "After", description: null, scopes: ["example:*"], metadata: null, rateLimit: null, expiresInDays: 60 },
      });
      expect(updateApiKey.apiKey).toMatchObject({
        name: "After",
        description: null,
        externalId: "u1",
        scopes: ["example:*"],
        allowedCidrs: ["10.0.0.0/8"],
        rateLimit: null,
        metadata: null,
        createdAt: created.apiKey.createdAt,
        createdBy: created.apiKey.createdBy,
        maskedKey: created.apiKey.maskedKey,
      });
      expect(new Date(updateApiKey.apiKey.expiresAt).getTime()).toBeGreaterThan(Date.now() + 59 * DAY);

      const cleared = await tenant.admin.ok(UPDATE_KEY, { input: { id: created.id, expiresAt: null, allowedCidrs: null, scopes: null } });
      expect(cleared.updateApiKey.apiKey).toMatchObject({ expiresAt: null, allowedCidrs: [], scopes: [] });
    });

    it("cannot change the secret, the creator or the creation time: the input has no such fields", async () => {
      const tenant = await createTenant(sut.root);
      const created = await createKey(tenant.admin);
      for (const field of ["secret: \"x\"", "createdBy: \"me\"", "createdAt: \"2020-01-01T00:00:00Z\""]) {
        const result = await tenant.admin.request(`mutation { updateApiKey(input: { id: "${created.id}", ${field} }) { apiKey { id } } }`);
        expect(result.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      }
    });
  });

  describe("disableApiKey and enableApiKey", () => {
    it("stops the key until it is enabled again", async () => {
      const tenant = await createTenant(sut.root);
      const created = await createKey(tenant.admin, { scopes: ["keys:list"] });
      const holder = tenant.admin.as(created.secret);
      expect((await holder.ok(ME)).me.keyId).toBe(created.id);

      const disabled = await tenant.admin.ok(DISABLE_KEY, { input: { id: created.id } });
      expect(disabled.disableApiKey.apiKey).toMatchObject({ status: "DISABLED", enabled: false });
      expect(await holder.code(ME)).toBe("UNAUTHENTICATED");
      expect(await tenant.admin.code(DISABLE_KEY, { input: { id: created.id } })).toBe("CONFLICT");

      const enabled = await tenant.admin.ok(ENABLE_KEY, { input: { id: created.id } });
      expect(enabled.enableApiKey.apiKey).toMatchObject({ status: "ACTIVE", enabled: true });
      expect((await holder.ok(ME)).me.keyId).toBe(created.id);
      expect(await tenant.admin.code(ENABLE_KEY, { input: { id: created.id } })).toBe("CONFLICT");
    });
  });

  describe("revokeApiKey", () => {
    it("revokes for good: the key stops working, and it cannot be revoked twice, edited or enabled", async () => {
      const tenant = await createTenant(sut.root);
      const created = await createKey(tenant.admin, { scopes: ["keys:list"] });
      const { revokeApiKey } = await tenant.admin.ok(REVOKE_KEY, { input: { id: created.id, reason: "leaked in a log" } });
      expect(revokeApiKey.apiKey).toMatchObject({ status: "REVOKED", revokedReason: "leaked in a log" });
      expect(await tenant.admin.as(created.secret).code(ME)).toBe("UNAUTHENTICATED");
      expect(await tenant.admin.code(REVOKE_KEY, { input: { id: created.id } })).toBe("CONFLICT");
      const edit = await tenant.admin.request(UPDATE_KEY, { input: { id: created.id, name: "Again" } });
      expect(edit.errors?.[0].extensions?.code).toBe("CONFLICT");
      expect(edit.errors?.[0].message).toMatch(/revoked/);
      expect(await tenant.admin.code(ENABLE_KEY, { input: { id: created.id } })).toBe("CONFLICT");
      expect(await tenant.admin.code(REGENERATE_KEY, { input: { id: created.id } })).toBe("CONFLICT");
    });

    it("treats expired keys as final too: they cannot be edited or enabled", async () => {
      const tenant = await createTenant(sut.root);
      const created = await createKey(tenant.admin, { expiresInDays: 1 });
      await expireNow(created.id);
      expect((await tenant.admin.ok(GET_KEY, { id: created.id })).apiKey.status).toBe("EXPIRED");
      const edit = await tenant.admin.request(UPDATE_KEY, { input: { id: created.id, expiresInDays: 30 } });
      expect(edit.errors?.[0].extensions?.code).toBe("CONFLICT");
      expect(edit.errors?.[0].message).toMatch(/expired/);
      expect(await tenant.admin.code(ENABLE_KEY, { input: { id: created.id } })).toBe("CONFLICT");
    });
  });

  describe("regenerateApiKey", () => {
    const SETTINGS = {
      name: "Rotating",
      description: "rotates monthly",
      externalId: "svc-9",
      scopes: ["example:read", "keys:list"],
      expiresInDays: 45,
      allowedCidrs: ["127.0.0.0/8", "::1"],
      rateLimit: { limit: 10, windowSeconds: 60 },
      metadata: { team: "payments" },
    };

    async function rotate(gracePeriodSeconds?: number) {
      const tenant = await createTenant(sut.root);
      const subscription = await createSubscription(sut.root, tenant.id);
      const old = await createKey(tenant.admin, { ...SETTINGS, subscriptionIds: [subscription.id] });
      const { regenerateApiKey } = await tenant.admin.ok(REGENERATE_KEY, { input: { id: old.id, gracePeriodSeconds } });
      return { tenant, subscription, old, fresh: { id: regenerateApiKey.apiKey.id, secret: regenerateApiKey.secret, apiKey: regenerateApiKey.apiKey } };
    }

    it("issues a new key with the same settings and expiry, linked both ways", async () => {
      const { tenant, subscription, old, fresh } = await rotate();
      expect(fresh.secret).not.toBe(old.secret);
      expect(fresh.apiKey).toMatchObject({
        name: SETTINGS.name,
        description: SETTINGS.description,
        externalId: SETTINGS.externalId,
        scopes: ["example:read", "keys:list"],
        allowedCidrs: SETTINGS.allowedCidrs,
        rateLimit: SETTINGS.rateLimit,
        metadata: SETTINGS.metadata,
        subscriptionIds: [subscription.id],
        expiresAt: old.apiKey.expiresAt,
        rotatedFromId: old.id,
        rotatedToId: null,
        status: "ACTIVE",
      });
      const { apiKey: before } = await tenant.admin.ok(GET_KEY, { id: old.id });
      expect(before.rotatedToId).toBe(fresh.id);
    });

    it("without a grace period, revokes the old key at once and the new key works", async () => {
      const { tenant, old, fresh } = await rotate(0);
      expect((await tenant.admin.ok(GET_KEY, { id: old.id })).apiKey.status).toBe("REVOKED");
      expect(await tenant.admin.as(old.secret).code(ME)).toBe("UNAUTHENTICATED");
      expect((await tenant.admin.as(fresh.secret).ok(ME)).me.keyId).toBe(fresh.id);
    });

    it("with a grace period, keeps the old key working until then and stops it after, with no job running", async () => {
      const { tenant, old, fresh } = await rotate(2);
      const { apiKey } = await tenant.admin.ok(GET_KEY, { id: old.id });
      expect(apiKey.status).toBe("ACTIVE");
      expect(new Date(apiKey.revokedAt).getTime()).toBeGreaterThan(Date.now());
      expect((await tenant.admin.as(old.secret).ok(ME)).me.keyId).toBe(old.id);
      expect((await tenant.admin.as(fresh.secret).ok(ME)).me.keyId).toBe(fresh.id);

      await new Promise((resolve) => setTimeout(resolve, new Date(apiKey.revokedAt).getTime() - Date.now() + 100));
      expect((await tenant.admin.ok(GET_KEY, { id: old.id })).apiKey.status).toBe("REVOKED");
      expect(await tenant.admin.as(old.secret).code(ME)).toBe("UNAUTHENTICATED");
      expect((await tenant.admin.as(fresh.secret).ok(ME)).me.keyId).toBe(fresh.id);
    });

    it("lets a revocation during the grace period take effect at once", async () => {
      const { tenant, old } = await rotate(3600);
      expect((await tenant.admin.as(old.secret).ok(ME)).me.keyId).toBe(old.id);
      const { revokeApiKey } = await tenant.admin.ok(REVOKE_KEY, { input: { id: old.id, reason: "compromised" } });
      expect(revokeApiKey.apiKey).toMatchObject({ status: "REVOKED", revokedReason: "compromised" });
      expect(await tenant.admin.as(old.secret).code(ME)).toBe("UNAUTHENTICATED");
    });

    it("refuses to edit, enable or regenerate a superseded key (CONFLICT)", async () => {
      const { tenant, old } = await rotate(3600);
      expect(await tenant.admin.code(UPDATE_KEY, { input: { id: old.id, name: "x" } })).toBe("CONFLICT");
      expect(await tenant.admin.code(REGENERATE_KEY, { input: { id: old.id } })).toBe("CONFLICT");
      await tenant.admin.ok(DISABLE_KEY, { input: { id: old.id } });
      expect(await tenant.admin.code(ENABLE_KEY, { input: { id: old.id } })).toBe("CONFLICT");
    });

    it("lets exactly one of two concurrent regenerations succeed", async () => {
      const tenant = await createTenant(sut.root);
      for (let trial = 0; trial < 5; trial++) {
        const old = await createKey(tenant.admin, { name: `race ${trial}` });
        const results = await Promise.all([1, 2].map(() => tenant.admin.request(REGENERATE_KEY, { input: { id: old.id } })));
        const succeeded = results.filter((result) => !result.errors);
        const refused = results.filter((result) => result.errors?.[0].extensions?.code === "CONFLICT");
        expect([succeeded.length, refused.length]).toEqual([1, 1]);
        const [{ count }] = await sut.app.dataSource.query(
          "SELECT count(*)::int AS count FROM api_keys WHERE tenant_id = $1 AND rotated_from_id = $2",
          [tenant.id, old.id],
        );
        expect(count).toBe(1);
      }
    });
  });
});
