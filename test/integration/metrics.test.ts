import { createTenant } from "../support/factories";
import { createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";
import { CHECK, backendOf } from "../support/checks";


/** The value of one sample line, e.g. `keysmith_check_results_total{code="VALID"}`. */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${name}${labels} `) || candidate.startsWith(`${name}${labels}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

describe("/metrics", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it("exposes operations, latencies, checkKey results by code, cache hits and the pool, in Prometheus format", async () => {
    const tenant = await createTenant(sut.root);
    const backend = await backendOf(tenant);
    const key = await createKey(tenant.admin);
    for (let i = 0; i < 3; i++) await backend.ok(CHECK, { input: { key: key.secret } });
    await backend.ok(CHECK, { input: { key: "garbage" } });

    const response = await fetch(`${sut.app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(sample(text, "keysmith_check_results_total", '{code="VALID"}')).toBe(3);
    expect(sample(text, "keysmith_check_results_total", '{code="MALFORMED"}')).toBe(1);
    expect(sample(text, "keysmith_graphql_operations_total", '{operation="checkKey",outcome="ok"}')).toBe(4);
    expect(sample(text, "keysmith_graphql_duration_seconds_count", '{operation="checkKey"}')).toBe(4);
    expect(sample(text, "keysmith_key_cache_hits_total")).toBeGreaterThanOrEqual(2);
    expect(sample(text, "keysmith_bcrypt_compares_total")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "keysmith_db_pool_connections")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "keysmith_db_queries_total")).toBeGreaterThan(0);
    expect(text).not.toContain(key.secret);
  });
});
