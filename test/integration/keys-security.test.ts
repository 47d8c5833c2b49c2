import { createTenant, type TenantFixture } from "../support/factories";
import type { GraphQLClient } from "../support/graphql-client";
import { GET_KEY, REVOKE_KEY, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";

interface Operation {
  name: string;
  mutation: boolean;
  /** The scopes the operation requires (DESIGN.md's table). */
  requires: string[];
  document: string;
  /** Variables aimed at a key of the target tenant. */
  variables: (target: { keyId: string; tenantId: string }) => Record<string, unknown>;
  /** Whether the operation names an object by id (another tenant's object is then NOT_FOUND). */
  byId: boolean;
}

const OPERATIONS: Operation[] = [
  { name: "apiKey", mutation: false, requires: ["keys:list"], byId: true, document: `query ($id: ID!) { apiKey(id: $id) { id } }`, variables: (t) => ({ id: t.keyId }) },
  { name: "apiKeys", mutation: false, requires: ["keys:list"], byId: false, document: `{ apiKeys { nodes { id } } }`, variables: () => ({}) },
  { name: "apiKeyStats", mutation: false, requires: ["keys:list"], byId: false, document: `{ apiKeyStats { total } }`, variables: () => ({}) },
  { name: "auditEvents", mutation: false, requires: ["keys:list"], byId: false, document: `{ auditEvents { nodes { id } } }`, variables: () => ({}) },
  { name: "subscriptions", mutation: false, requires: ["keys:list"], byId: false, document: `{ subscriptions { nodes { id } } }`, variables: () => ({}) },
  { name: "scopeCatalog", mutation: false, requires: ["keys:list"], byId: false, document: `{ scopeCatalog { name } }`, variables: () => ({}) },
  {
    name: "createApiKey",
    mutation: true,
    requires: ["keys:create"],
    byId: false,
    document: `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
    variables: () => ({ input: { name: "battery" } }),
  },
  {
    name: "updateApiKey",
    mutation: true,
    requires: ["keys:update"],
    byId: true,
    document: `mutation ($input: UpdateApiKeyInput!) { updateApiKey(input: $input) { apiKey { id } } }`,
    variables: (t) => ({ input: { id: t.keyId, name: "renamed by battery" } }),
  },
  {
    name: "disableApiKey",
    mutation: true,
    requires: ["keys:update"],
    byId: true,
    document: `mutation ($input: DisableApiKeyInput!) { disableApiKey(input: $input) { apiKey { id } } }`,
    variables: (t) => ({ input: { id: t.keyId } }),
  },
  {
    name: "enableApiKey",
    mutation: true,
    requires: ["keys:update"],
    byId: true,
    document: `mutation ($input: EnableApiKeyInput!) { enableApiKey(input: $input) { apiKey { id } } }`,
    variables: (t) => ({ input: { id: t.keyId } }),
  },
  {
    name: "revokeApiKey",
    mutation: true,
    requires: ["keys:revoke"],
    byId: true,
    document: `mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }`,
    variables: (t) => ({ input: { id: t.keyId } }),
  },
  {
    name: "regenerateApiKey",
    mutation: true,
    requires: ["keys:create", "keys:revoke"],
    byId: true,
    document: `mutation ($input: RegenerateApiKeyInput!) { regenerateApiKey(input: $input) { secret } }`,
    variables: (t) => ({ input: { id: t.keyId } }),
  },
  {
    name: "defineNamespace",
    mutation: true,
    requires: ["keys:define"],
    byId: false,
    document: `mutation ($input: DefineNamespaceInput!) { defineNamespace(input: $input) { namespace { id } } }`,
    variables: () => ({ input: { name: "battery", operations: [] } }),
  },
  {
    name: "checkKey",
    mutation: false,
    requires: ["keys:verify"],
    byId: false,
    document: `query ($input: CheckKeyInput!) { checkKey(input: $input) { code } }`,
    variables: () => ({ input: { key: "ks_nothing" } }),
  },
];

describe("the management security battery", () => {
  let sut: TestApp;
  let owner: TenantFixture;
  let target: { keyId: string; tenantId: string };

  beforeAll(async () => {
    sut = await startTestApp();
    owner = await createTenant(sut.root);
    target = { keyId: (await createKey(owner.admin, { name: "target" })).id, tenantId: owner.id };
  });
  afterAll(() => sut.close());

  /** The target key as it is in the database, to prove a refused operation changed nothing. */
  const targetRow = async () => (await sut.app.dataSource.query("SELECT * FROM api_keys WHERE id = $1", [target.keyId]))[0];
  const keyCount = async () =>
    (await sut.app.dataSource.query("SELECT count(*)::int AS count FROM api_keys WHERE tenant_id = $1", [owner.id]))[0].count;

  async function expectRefusal(client: GraphQLClient, operation: Operation, code: string) {
    const [rowBefore, countBefore] = [await targetRow(), await keyCount()];
    const result = await client.request(operation.document, operation.variables(target));
    expect({ operation: operation.name, code: result.errors?.[0].extensions?.code }).toEqual({ operation: operation.name, code });
    expect(result.data?.[operation.name] ?? null).toBeNull();
    expect([await targetRow(), await keyCount()]).toEqual([rowBefore, countBefore]);
  }

  it.each(OPERATIONS.map((operation) => [operation.name, operation]))("%s: without credentials, UNAUTHENTICATED", async (_name, operation) => {
    await expectRefusal(sut.client, operation, "UNAUTHENTICATED");
  });

  it.each(OPERATIONS.map((operation) => [operation.name, operation]))("%s: with a revoked key, UNAUTHENTICATED", async (_name, operation) => {
    const revoked = await createKey(owner.admin, { scopes: ["keys:*"] });
    await owner.admin.ok(REVOKE_KEY, { input: { id: revoked.id } });
    await expectRefusal(owner.admin.as(revoked.secret), operation, "UNAUTHENTICATED");
  });

  it.each(OPERATIONS.map((operation) => [operation.name, operation]))(
    "%s: with a key holding *:* or *:read for the tenant's API, FORBIDDEN (wildcards never cover keys)",
    async (_name, operation) => {
      for (const scopes of [["*:*"], ["*:read"]]) {
        const wildcard = await createKey(owner.admin, { scopes, expiresInDays: 7 });
        await expectRefusal(owner.admin.as(wildcard.secret), operation, "FORBIDDEN");
      }
    },
  );

  it.each(OPERATIONS.filter((operation) => operation.mutation).map((operation) => [operation.name, operation]))(
    "%s: with a keys:read key, FORBIDDEN, recorded as one DENIED event",
    async (_name, operation) => {
      const reader = await createKey(owner.admin, { scopes: ["keys:read"] });
      await expectRefusal(owner.admin.as(reader.secret), operation, "FORBIDDEN");
      const denied = await sut.app.dataSource.query(
        "SELECT action, outcome FROM audit_events WHERE tenant_id = $1 AND actor_id = $2",
        [owner.id, reader.id],
      );
      expect(denied).toHaveLength(1);
      expect(denied[0].outcome).toBe("DENIED");
    },
  );

  it("a keys:read key may run every query the table gives keys:list and keys:verify", async () => {
    const reader = owner.admin.as((await createKey(owner.admin, { scopes: ["keys:read"] })).secret);
    for (const operation of OPERATIONS.filter((candidate) => !candidate.mutation)) {
      const result = await reader.request(operation.document, operation.variables(target));
      expect({ operation: operation.name, errors: result.errors }).toEqual({ operation: operation.name, errors: undefined });
    }
  });

  it.each(OPERATIONS.filter((operation) => operation.byId).map((operation) => [operation.name, operation]))(
    "%s: a principal of another tenant gets NOT_FOUND for this tenant's key",
    async (_name, operation) => {
      const stranger = await createTenant(sut.root);
      await expectRefusal(stranger.admin, operation, "NOT_FOUND");
    },
  );

  it.each(OPERATIONS.filter((operation) => !operation.byId && operation.name !== "checkKey").map((operation) => [operation.name, operation]))(
    "%s: naming another tenant with tenantId is NOT_FOUND",
    async (_name, operation) => {
      const stranger = await createTenant(sut.root);
      const document = operation.mutation ? operation.document : operation.document.replace(/\{ (\w+)/, "{ $1(tenantId: $tenantId)").replace(/^\{/, "query ($tenantId: ID) {");
      const variables = operation.mutation
        ? { input: { ...(operation.variables(target).input as object), tenantId: owner.id } }
        : { tenantId: owner.id };
      const result = await stranger.admin.request(document, variables);
      expect(result.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    },
  );

  it("never lists another tenant's keys, stats or events", async () => {
    const stranger = await createTenant(sut.root);
    const { apiKeys, apiKeyStats, auditEvents } = await stranger.admin.ok(`{ apiKeys { nodes { id } } apiKeyStats { total } auditEvents { nodes { targetId } } }`);
    expect(apiKeys.nodes.map((key: { id: string }) => key.id)).toEqual([stranger.adminKeyId]);
    expect(apiKeyStats.total).toBe(1);
    expect(auditEvents.nodes.map((event: { targetId: string }) => event.targetId)).not.toContain(target.keyId);
  });

  describe("each keys scope grants exactly its operations", () => {
    it.each([
      [["keys:list"], ["apiKey", "apiKeys", "apiKeyStats", "auditEvents", "subscriptions", "scopeCatalog"]],
      [["keys:verify"], ["checkKey"]],
      [["keys:create"], ["createApiKey"]],
      [["keys:update"], ["updateApiKey", "disableApiKey", "enableApiKey"]],
      [["keys:revoke"], ["revokeApiKey"]],
      [["keys:define"], ["defineNamespace"]],
      [["keys:create", "keys:revoke"], ["createApiKey", "revokeApiKey", "regenerateApiKey"]],
    ])("%j allows %j and nothing else", async (scopes, allowed) => {
      for (const operation of OPERATIONS) {
        const subject = await createKey(owner.admin, { name: "subject", scopes: ["example:read"] });
        const holder = owner.admin.as((await createKey(owner.admin, { scopes })).secret);
        const result = await holder.request(operation.document, operation.variables({ keyId: subject.id, tenantId: owner.id }));
        const code = result.errors?.[0].extensions?.code;
        expect({ operation: operation.name, forbidden: code === "FORBIDDEN" }).toEqual({ operation: operation.name, forbidden: !allowed.includes(operation.name) });
      }
    });
  });

  describe("no escalation", () => {
    const CREATE = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;

    it("a keys:create holder may grant the tenant's own namespaces but not keys or platform scopes it lacks", async () => {
      const creator = owner.admin.as((await createKey(owner.admin, { scopes: ["keys:create", "keys:list"] })).secret);
      for (const scopes of [["keys:*"], ["keys:revoke"], ["keys:read"], ["platform:*"], ["platform:manage"]]) {
        expect(await creator.code(CREATE, { input: { name: "escalation", scopes } })).toBe("FORBIDDEN");
      }
      const { createApiKey } = await creator.ok(CREATE, { input: { name: "fine", scopes: ["example:read", "keys:list", "keys:create"] } });
      const granted = await owner.admin.as(createApiKey.secret).ok(`{ me { scopes } }`);
      expect(granted.me.scopes).toEqual(["example:read", "keys:create", "keys:list"]);
    });

    it("a keys:update holder cannot add keys scopes it lacks through updateApiKey", async () => {
      const updater = owner.admin.as((await createKey(owner.admin, { scopes: ["keys:update"] })).secret);
      const subject = await createKey(owner.admin, { scopes: ["example:read"] });
      const update = `mutation ($input: UpdateApiKeyInput!) { updateApiKey(input: $input) { apiKey { scopes } } }`;
      expect(await updater.code(update, { input: { id: subject.id, scopes: ["example:read", "keys:revoke"] } })).toBe("FORBIDDEN");
      expect((await owner.admin.ok(GET_KEY, { id: subject.id })).apiKey.scopes).toEqual(["example:read"]);
      expect((await updater.ok(update, { input: { id: subject.id, scopes: ["example:*", "keys:update"] } })).updateApiKey.apiKey.scopes).toEqual([
        "example:*",
        "keys:update",
      ]);
    });

    it("a create-and-revoke holder cannot regenerate a key holding more keys scopes than it", async () => {
      const rotator = owner.admin.as((await createKey(owner.admin, { scopes: ["keys:create", "keys:revoke"] })).secret);
      const admin = await createKey(owner.admin, { scopes: ["keys:*"] });
      expect(await rotator.code(`mutation ($id: ID!) { regenerateApiKey(input: { id: $id }) { secret } }`, { id: admin.id })).toBe("FORBIDDEN");
      expect((await owner.admin.ok(GET_KEY, { id: admin.id })).apiKey.rotatedToId).toBeNull();
    });
  });

  describe("root", () => {
    it("acts in a tenant with tenantId and finds any tenant's key by id", async () => {
      const { createApiKey } = await sut.root.ok(`mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }`, {
        input: { tenantId: owner.id, name: "made by root", scopes: ["keys:list"] },
      });
      const { apiKey } = await owner.admin.ok(GET_KEY, { id: createApiKey.apiKey.id });
      expect(apiKey.name).toBe("made by root");
      expect((await sut.root.ok(GET_KEY, { id: target.keyId })).apiKey.id).toBe(target.keyId);
      const events = await sut.app.dataSource.query("SELECT actor_kind FROM audit_events WHERE tenant_id = $1 AND target_id = $2", [
        owner.id,
        createApiKey.apiKey.id,
      ]);
      expect(events).toEqual([{ actor_kind: "ROOT" }]);
    });
  });
});
