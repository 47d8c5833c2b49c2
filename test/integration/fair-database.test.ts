import { Client } from "pg";
import { ApiKey } from "../../src/keys/api-key.entity";
import { applySearch } from "../../src/keys/key-list-query";
import { createTenant, type TenantFixture } from "../support/factories";
import { DISABLE_KEY, LIST_KEYS, createKey } from "../support/key-operations";
import { type ServerDatabase, scratchDatabase } from "../support/local-services";
import { type TestApp, startTestApp } from "../support/test-app";

/** Adds keys to a tenant in one statement (they share a hash: their secrets are never presented). */
async function seedKeys(sut: TestApp, tenantId: string, count: number, namePrefix: string): Promise<void> {
  await sut.app.dataSource.query(
    `INSERT INTO api_keys (id, tenant_id, name, description, prefix, lookup_id, secret_hash, last4, created_by, created_at, updated_at)
     SELECT gen_random_uuid(), $1::uuid, $2::text || ' ' || i, 'batch ' || (i % 97), 'ks', left(md5($1::text || ':' || $2::text || i), 12), 'x', right(md5($2::text || i), 4), 'seed',
            now() - i * interval '1 second', now()
       FROM generate_series(1, $3::int) AS i`,
    [tenantId, namePrefix, count],
  );
  await sut.app.dataSource.query("ANALYZE api_keys");
}

describe("one tenant cannot slow another", () => {
  describe("key search", () => {
    let sut: TestApp;
    let tenant: TenantFixture;
    beforeAll(async () => {
      sut = await startTestApp();
      tenant = await createTenant(sut.root);
      await seedKeys(sut, tenant.id, 30_000, "service key");
    });
    afterAll(() => sut.close());

    async function planOf(search: string): Promise<string> {
      const query = sut.app.dataSource.getRepository(ApiKey).createQueryBuilder("k").where("k.tenant_id = :tenantId", { tenantId: tenant.id });
      applySearch(query, search);
      const [sql, parameters] = query.getQueryAndParameters();
      const rows: Array<{ "QUERY PLAN": string }> = await sut.app.dataSource.query(`EXPLAIN ${sql}`, parameters);
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    }

    it("finds a substring of three characters or more through the trigram index", async () => {
      expect(await planOf("key 1234")).toContain("api_keys_search_trgm");
    });

    it("finds shorter terms by their prefix, through prefix indexes", async () => {
      const plan = await planOf("zq");
      expect(plan).toContain("api_keys_tenant_name_prefix_idx");
      expect(plan).toContain("api_keys_tenant_key_prefix_idx");
    });

    it("still answers what the index found: names, descriptions and parts of keys", async () => {
      const found = await tenant.admin.ok(LIST_KEYS, { filter: { search: "service key 29999" } });
      expect(found.apiKeys.nodes.map((key: { name: string }) => key.name)).toEqual(["service key 29999"]);
      const mine = await createKey(tenant.admin, { name: "Mobile app" });
      const lookupId = mine.apiKey.maskedKey.split("_")[1].slice(0, 12);
      for (const search of ["mob", lookupId.slice(0, 6), mine.apiKey.maskedKey]) {
        const rows = (await tenant.admin.ok(LIST_KEYS, { filter: { search } })).apiKeys.nodes;
        expect(rows.map((key: { id: string }) => key.id)).toContain(mine.id);
      }
    });

    it("stops counting at 10,000 and says so", async () => {
      const { apiKeys } = await tenant.admin.ok(`{ apiKeys(filter: { search: "service" }) { totalCount totalCountCapped } }`);
      expect(apiKeys).toEqual({ totalCount: 10_000, totalCountCapped: true });
      const exact = await tenant.admin.ok(`{ apiKeys(filter: { search: "service key 2999" }) { totalCount totalCountCapped } }`);
      expect(exact.apiKeys).toEqual({ totalCount: 11, totalCountCapped: false });
    });

    it("refuses a document that asks for more than one request's worth of rows and counts", async () => {
      const aliases = Array.from({ length: 15 }, (_, index) => `a${index}: apiKeys(first: 100) { totalCount nodes { id name maskedKey status } }`).join(" ");
      const result = await tenant.admin.request(`{ ${aliases} }`);
      expect(result.status).toBe(400);
      expect(result.errors?.[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
      const variables = await tenant.admin.request(
        `query ($n: Int) { a: apiKeys(first: $n) { totalCount nodes { id name } } b: apiKeys(first: $n) { totalCount nodes { id name } } c: auditEvents(first: $n) { nodes { id changes } } d: apiKeys { totalCount } e: apiKeys { totalCount } f: apiKeys { totalCount } }`,
        { n: 100 },
      );
      expect(variables.errors?.[0].extensions?.code).toBe("QUERY_TOO_COMPLEX");
      const fine = await tenant.admin.request(`{ apiKeys(first: 100) { totalCount nodes { id name maskedKey status expiresAt } } apiKeyStats { total } }`);
      expect(fine.errors).toBeUndefined();
    });
  });

  describe("management requests per principal", () => {
    let sut: TestApp;
    beforeAll(async () => {
      sut = await startTestApp({ rateLimits: { failedAuthPerMinute: 100_000, failedChecksPerMinute: 100_000, failedComparesPerMinute: 100_000, managementRequestsPerMinute: 5 } });
    });
    afterAll(() => sut.close());

    it("answer 429 with Retry-After past the principal's budget, while another principal and checks go on", async () => {
      const tenant = await createTenant(sut.root);
      const busyKey = (await createKey(tenant.admin, { scopes: ["keys:list", "keys:verify"] })).secret;
      const busy = tenant.admin.as(busyKey);
      const calm = tenant.admin.as((await createKey(tenant.admin, { scopes: ["keys:list"] })).secret);
      const statuses: number[] = [];
      for (let index = 0; index < 6; index++) statuses.push((await busy.request(LIST_KEYS, {})).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = await fetch(`${sut.app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${busyKey}` },
        body: JSON.stringify({ query: "{ apiKeyStats { total } }" }),
      });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await refused.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe("RATE_LIMITED");
      expect((await calm.request(LIST_KEYS, {})).status).toBe(200);
      const check = await busy.request(`query { checkKey(input: { key: "x" }) { code } }`);
      expect(check.data.checkKey.code).toBe("MALFORMED");
    });
  });
});

describe("a fair share of PostgreSQL", () => {
  let database: ServerDatabase;
  let sut: TestApp;
  let impatient: TestApp;
  let holder: Client;
  beforeAll(async () => {
    database = await scratchDatabase();
    sut = await startTestApp({ database: database.target, config: { dbPoolSize: 4 } });
    impatient = await startTestApp({ database: database.target, config: { dbStatementTimeoutMs: 500 } });
    holder = new Client({ connectionString: database.target.url });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end();
    await sut?.close();
    await impatient?.close();
    await database?.drop();
  });

  /** Holds a key's row locked from outside, so a change to it waits in the database. */
  async function lockRow(keyId: string): Promise<() => Promise<void>> {
    await holder.query("BEGIN");
    await holder.query("SELECT id FROM api_keys WHERE id = $1 FOR UPDATE", [keyId]);
    return async () => void (await holder.query("ROLLBACK"));
  }

  it("cancels a statement over the timeout and answers it cleanly (no 500)", async () => {
    const tenant = await createTenant(impatient.root);
    const key = await createKey(tenant.admin);
    const unlock = await lockRow(key.id);
    try {
      const result = await tenant.admin.request(DISABLE_KEY, { input: { id: key.id } });
      expect(result.errors?.[0].extensions?.code).toBe("SERVICE_UNAVAILABLE");
      expect(impatient.logs()).not.toMatch(/"level":50/);
    } finally {
      await unlock();
    }
    expect((await tenant.admin.ok(DISABLE_KEY, { input: { id: key.id } })).disableApiKey.apiKey.status).toBe("DISABLED");
  });

  it("makes a tenant holding its share of the pool wait for itself, never another tenant", async () => {
    const noisy = await createTenant(sut.root);
    const quiet = await createTenant(sut.root);
    const share = sut.app.services.databaseShare!;
    const key = await createKey(noisy.admin);
    const unlock = await lockRow(key.id);
    let secondDone = false;
    try {
      // The pool has 4 connections: a tenant's share is 1, held by a change waiting on the lock.
      const first = noisy.admin.request(DISABLE_KEY, { input: { id: key.id } });
      const waitUntil = async (condition: () => boolean) => {
        while (!condition()) await new Promise((resolve) => setImmediate(resolve));
      };
      await waitUntil(() => share.inUse(noisy.id) === 1);
      const second = noisy.admin.request(LIST_KEYS, {}).then((result) => ((secondDone = true), result));
      await waitUntil(() => share.waitingFor(noisy.id) === 1);
      const other = await quiet.admin.request(LIST_KEYS, {});
      expect(other.errors).toBeUndefined();
      expect(secondDone).toBe(false);
      await unlock();
      expect((await first).errors).toBeUndefined();
      expect((await second).errors).toBeUndefined();
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
    }
  });
});
