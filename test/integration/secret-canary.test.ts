import { createTenant } from "../support/factories";
import { API_KEY_FIELDS, LIST_KEYS, REGENERATE_KEY, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";

const TABLES = ["tenants", "subscriptions", "api_keys", "permission_grants", "api_key_subscriptions", "scope_namespaces", "audit_events"];

/** The 32-character secret inside a full key: after the prefix's `_` and the 12-character lookup id. */
const secretPart = (key: string) => key.slice(key.lastIndexOf("_") + 1).slice(12, 44);

describe("the secret canary", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it("after creation and regeneration, a key's secret is in no table, no log line and no later response", async () => {
    const tenant = await createTenant(sut.root);
    const created = await createKey(tenant.admin, { name: "canary", scopes: ["keys:list", "keys:verify"] });
    const { regenerateApiKey } = await tenant.admin.ok(REGENERATE_KEY, { input: { id: created.id, gracePeriodSeconds: 600 } });
    const canaries = [created.secret, regenerateApiKey.secret];

    // Use the keys every way a caller might: as credentials, checked, mistyped, pasted into a search.
    const holder = tenant.admin.as(regenerateApiKey.secret);
    const later = [
      await holder.request(`{ me { keyId name scopes } }`),
      await holder.request(`query ($input: CheckKeyInput!) { checkKey(input: $input) { code keyId name grants } }`, { input: { key: created.secret } }),
      await holder.request(`query ($input: CheckKeyInput!) { checkKey(input: $input) { code } }`, { input: { key: `${created.secret}x` } }),
      await tenant.admin.request(`query ($id: ID!) { apiKey(id: $id) { ${API_KEY_FIELDS} } }`, { id: created.id }),
      await tenant.admin.request(LIST_KEYS, { filter: { search: created.secret } }),
      await tenant.admin.request(`{ auditEvents(first: 100) { nodes { action changes actor { id label } } } }`),
      await sut.client.request(`{ me { keyId } }`, {}, { authorization: `Bearer ${created.secret.slice(0, -1)}Z` }),
      await tenant.admin.request(`mutation { updateApiKey(input: { id: "${created.id}", name: "${created.secret}" }) { apiKey { id } } }`),
    ];
    expect(later[4].data.apiKeys.nodes.map((key: { id: string }) => key.id)).toEqual([created.id]);
    await sut.app.services.usage.flush();

    const tables = await Promise.all(
      TABLES.map(async (table) => (await sut.app.dataSource.query(`SELECT row_to_json(t)::text AS row FROM ${table} t`)).map((r: { row: string }) => r.row).join("\n")),
    );
    const stored = tables.join("\n");
    const logs = sut.logs();
    const responses = later.map((result) => result.text).join("\n");
    for (const key of canaries) {
      for (const [where, text] of [
        ["the database", stored],
        ["the logs", logs],
        ["later responses", responses],
      ]) {
        expect({ where, full: text.includes(key), secret: text.includes(secretPart(key)) }).toEqual({ where, full: false, secret: false });
      }
    }
    const [{ secret_hash }] = await sut.app.dataSource.query("SELECT secret_hash FROM api_keys WHERE id = $1", [created.id]);
    expect(secret_hash).toMatch(/^\$2[ab]\$\d\d\$/);
    expect(logs).not.toContain(secret_hash);
    expect(responses).not.toContain(secret_hash);
  });
});
