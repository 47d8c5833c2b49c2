import { CHECK, backendOf } from "../support/checks";
import { createTenant, type TenantFixture } from "../support/factories";
import {
  CREATE_IDENTITY,
  DELETE_IDENTITY,
  GET_IDENTITY,
  LIST_IDENTITIES,
  UPDATE_IDENTITY,
  createIdentity,
} from "../support/identity-operations";
import { LIST_KEYS, UPDATE_KEY, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";

describe("identities", () => {
  let sut: TestApp;
  let tenant: TenantFixture;
  let other: TenantFixture;
  beforeAll(async () => {
    sut = await startTestApp();
    tenant = await createTenant(sut.root);
    other = await createTenant(sut.root);
  });
  afterAll(() => sut.close());

  const auditOf = async (targetId: string) =>
    (await sut.app.dataSource.query("SELECT action, changes FROM audit_events WHERE target_id = $1 ORDER BY at, id", [targetId])) as Array<{
      action: string;
      changes: Record<string, { before: unknown; after: unknown }>;
    }>;

  describe("lifecycle", () => {
    it("creates, reads, updates and deletes an identity, one audit event each", async () => {
      const created = await createIdentity(tenant.admin, {
        externalId: " acme-corp ",
        name: "Acme",
        metadata: { plan: "pro" },
        rateLimits: [{ name: "requests", limit: 100, windowSeconds: 60 }],
      });
      expect(created).toMatchObject({ externalId: "acme-corp", name: "Acme", metadata: { plan: "pro" }, rateLimits: [{ name: "requests", limit: 100, windowSeconds: 60, autoApply: true }] });
      expect((await tenant.admin.ok(GET_IDENTITY, { id: created.id })).identity).toEqual(created);

      const { updateIdentity } = await tenant.admin.ok(UPDATE_IDENTITY, { input: { id: created.id, name: null, rateLimits: null } });
      expect(updateIdentity.identity).toMatchObject({ externalId: "acme-corp", name: null, rateLimits: [], metadata: { plan: "pro" } });

      expect((await tenant.admin.ok(DELETE_IDENTITY, { input: { id: created.id } })).deleteIdentity).toEqual({ deletedId: created.id });
      expect(await tenant.admin.code(GET_IDENTITY, { id: created.id })).toBe("NOT_FOUND");
      expect((await auditOf(created.id)).map((event) => event.action)).toEqual(["IDENTITY_CREATED", "IDENTITY_UPDATED", "IDENTITY_DELETED"]);
      expect((await auditOf(created.id))[1].changes).toEqual({
        name: { before: "Acme", after: null },
        rateLimits: { before: [{ name: "requests", limit: 100, windowSeconds: 60, autoApply: true }], after: [] },
      });
    });

    it("keeps externalId unique in a tenant, and lets another tenant use the same one", async () => {
      await createIdentity(tenant.admin, { externalId: "shared-id" });
      expect(await tenant.admin.code(CREATE_IDENTITY, { input: { externalId: "shared-id" } })).toBe("CONFLICT");
      const renamed = await createIdentity(tenant.admin, { externalId: "to-rename" });
      expect(await tenant.admin.code(UPDATE_IDENTITY, { input: { id: renamed.id, externalId: "shared-id" } })).toBe("CONFLICT");
      expect((await createIdentity(other.admin, { externalId: "shared-id" })).externalId).toBe("shared-id");
    });

    it("refuses to delete an identity that still owns keys, and deletes it once they are detached", async () => {
      const identity = await createIdentity(tenant.admin);
      const key = await createKey(tenant.admin, { identityId: identity.id });
      const refused = await tenant.admin.request(DELETE_IDENTITY, { input: { id: identity.id } });
      expect(refused.errors?.[0]).toMatchObject({ extensions: { code: "CONFLICT" }, message: expect.stringContaining("1 key") });
      await tenant.admin.ok(UPDATE_KEY, { input: { id: key.id, identityId: null } });
      await tenant.admin.ok(DELETE_IDENTITY, { input: { id: identity.id } });
    });

    it("reports every bad field of an identity at once", async () => {
      const answer = await tenant.admin.request(CREATE_IDENTITY, {
        input: { externalId: " ", rateLimits: [{ name: "Has Spaces", limit: 0, windowSeconds: 60 }, { name: "ok", limit: 1, windowSeconds: 99_999_999 }] },
      });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT" });
      const fields = (answer.errors?.[0].extensions?.fields as Array<{ field: string }>).map((field) => field.field).sort();
      expect(fields).toEqual(["externalId", "rateLimits[0].limit", "rateLimits[0].name", "rateLimits[1].windowSeconds"]);
    });
  });

  describe("lists", () => {
    it("pages newest first, filters by externalId and searches externalId and name", async () => {
      const listed = await createTenant(sut.root);
      for (const [externalId, name] of [["user-alpha", "Alice"], ["user-beta", "Bob"], ["org-gamma", "Gamma Industries"]]) {
        await createIdentity(listed.admin, { externalId, name });
      }
      const page = async (variables: Record<string, unknown>) => (await listed.admin.ok(LIST_IDENTITIES, variables)).identities;
      const first = await page({ first: 2 });
      expect(first.nodes.map((node: { externalId: string }) => node.externalId)).toEqual(["org-gamma", "user-beta"]);
      expect((await page({ first: 2, after: first.pageInfo.endCursor })).nodes.map((node: { externalId: string }) => node.externalId)).toEqual(["user-alpha"]);
      expect((await page({ filter: { externalId: "user-beta" } })).nodes).toHaveLength(1);
      expect((await page({ filter: { search: "industr" } })).nodes.map((node: { name: string }) => node.name)).toEqual(["Gamma Industries"]);
      expect((await page({ filter: { search: "us" } })).nodes).toHaveLength(2);
      expect((await page({ filter: { search: "100%_" } })).nodes).toHaveLength(0);
    });

    it("lists a tenant's keys of one identity", async () => {
      const identity = await createIdentity(tenant.admin);
      const owned = await createKey(tenant.admin, { identityId: identity.id });
      await createKey(tenant.admin);
      const { apiKeys } = await tenant.admin.ok(LIST_KEYS, { filter: { identityId: identity.id } });
      expect(apiKeys.nodes.map((node: { id: string }) => node.id)).toEqual([owned.id]);
    });
  });

  describe("keys and checks", () => {
    it("links a key to an identity and answers the identity in checkKey", async () => {
      const identity = await createIdentity(tenant.admin, { externalId: "checked-customer", name: "Checked", metadata: { tier: "gold" } });
      const key = await createKey(tenant.admin, { identityId: identity.id, scopes: ["example:read"] });
      expect(key.apiKey.identityId).toBe(identity.id);
      const backend = await backendOf(tenant);
      const { checkKey } = await backend.ok(CHECK, { input: { key: key.secret, scopes: ["example:ListItems"] } });
      expect(checkKey).toMatchObject({ code: "VALID", identity: { id: identity.id, externalId: "checked-customer", name: "Checked", metadata: { tier: "gold" } } });
    });

    it("answers an identity renamed since the last check with its new name", async () => {
      const identity = await createIdentity(tenant.admin, { name: "Before" });
      const key = await createKey(tenant.admin, { identityId: identity.id });
      const backend = await backendOf(tenant);
      expect((await backend.ok(CHECK, { input: { key: key.secret } })).checkKey.identity.name).toBe("Before");
      await tenant.admin.ok(UPDATE_IDENTITY, { input: { id: identity.id, name: "After" } });
      expect((await backend.ok(CHECK, { input: { key: key.secret } })).checkKey.identity.name).toBe("After");
    });

    it("gives no identity for a key without one, nor for a key that is not valid", async () => {
      const backend = await backendOf(tenant);
      const plain = await createKey(tenant.admin);
      expect((await backend.ok(CHECK, { input: { key: plain.secret } })).checkKey.identity).toBeNull();
      expect((await backend.ok(CHECK, { input: { key: "ks_nonsense" } })).checkKey.identity).toBeNull();
    });
  });

  describe("tenant isolation", () => {
    let theirs: { id: string };
    beforeAll(async () => {
      theirs = await createIdentity(other.admin, { name: "Not yours" });
    });

    it("answers another tenant's identity NOT_FOUND, to read, change or delete", async () => {
      expect(await tenant.admin.code(GET_IDENTITY, { id: theirs.id })).toBe("NOT_FOUND");
      expect(await tenant.admin.code(UPDATE_IDENTITY, { input: { id: theirs.id, name: "Mine now" } })).toBe("NOT_FOUND");
      expect(await tenant.admin.code(DELETE_IDENTITY, { input: { id: theirs.id } })).toBe("NOT_FOUND");
      expect((await other.admin.ok(GET_IDENTITY, { id: theirs.id })).identity.name).toBe("Not yours");
    });

    it("never lists another tenant's identities", async () => {
      const { identities } = await tenant.admin.ok(LIST_IDENTITIES, { filter: { search: "Not yours" } });
      expect(identities.nodes).toEqual([]);
    });

    it("refuses to link a key to another tenant's identity (NOT_FOUND), on create and on update", async () => {
      expect(await tenant.admin.code(`mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input: { name: "x", identityId: theirs.id } })).toBe(
        "NOT_FOUND",
      );
      const key = await createKey(tenant.admin);
      expect(await tenant.admin.code(UPDATE_KEY, { input: { id: key.id, identityId: theirs.id } })).toBe("NOT_FOUND");
    });

    it("lets root read any tenant's identity by id", async () => {
      expect((await sut.root.ok(GET_IDENTITY, { id: theirs.id })).identity.name).toBe("Not yours");
    });
  });

  it("needs keys:list to read and keys:update to change", async () => {
    const reader = sut.client.as((await createKey(tenant.admin, { scopes: ["keys:list"] })).secret);
    const identity = await createIdentity(tenant.admin);
    expect((await reader.ok(GET_IDENTITY, { id: identity.id })).identity.id).toBe(identity.id);
    expect(await reader.code(CREATE_IDENTITY, { input: { externalId: "nope" } })).toBe("FORBIDDEN");
    const stranger = sut.client.as((await createKey(tenant.admin, { scopes: ["keys:verify"] })).secret);
    expect(await stranger.code(GET_IDENTITY, { id: identity.id })).toBe("FORBIDDEN");
  });
});
