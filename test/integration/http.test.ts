import { type TestApp, startTestApp } from "../support/test-app";

const INTROSPECTION = `{ __schema { queryType { name } } }`;

describe("HTTP surface", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it("answers /healthz and /readyz", async () => {
    expect((await fetch(`${sut.app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${sut.app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it("serves the landing page on GET /graphql but refuses a query in the URL", async () => {
    const landing = await fetch(`${sut.app.url}/graphql`, { headers: { accept: "text/html" } });
    expect(landing.status).toBe(200);
    expect(landing.headers.get("content-type")).toContain("text/html");
    const inUrl = await fetch(`${sut.app.url}/graphql?query=${encodeURIComponent("{ me { kind } }")}`);
    expect(inUrl.status).toBe(405);
  });

  it("refuses a body over 100 kB with 413", async () => {
    const response = await fetch(`${sut.app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ __typename }`, variables: { padding: "x".repeat(110 * 1024) } }),
    });
    expect(response.status).toBe(413);
  });

  it("refuses batched operations", async () => {
    const response = await fetch(`${sut.app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: `{ __typename }` }, { query: `{ __typename }` }]),
    });
    expect(response.status).toBe(400);
  });

  it("prevents CSRF: a simple form post is refused", async () => {
    const response = await fetch(`${sut.app.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ query: `{ __typename }` }),
    });
    expect(response.status).toBe(400);
  });

  it("allows the Apollo Sandbox origin outside production, with the credential headers", async () => {
    const response = await fetch(`${sut.app.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://studio.apollographql.com", "access-control-request-method": "POST" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://studio.apollographql.com");
    expect(response.headers.get("access-control-allow-headers")).toEqual(expect.stringContaining("x-api-key"));
    expect(response.headers.get("access-control-allow-headers")).toEqual(expect.stringContaining("authorization"));
    const stranger = await fetch(`${sut.app.url}/graphql`, { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("allows introspection in development so Sandbox works", async () => {
    const { __schema } = await sut.client.ok(INTROSPECTION);
    expect(__schema.queryType.name).toBe("Query");
  });

  it("never sends a stack trace, whatever goes wrong", async () => {
    const requests = [
      sut.client.request(`{ nope }`),
      sut.client.request(`{ me { `),
      sut.root.request(`query ($id: ID!) { tenant(id: $id) { id } }`, { id: 42 }),
      sut.root.request(`query ($id: ID!) { tenant(id: $id) { id } }`, { id: "not-a-uuid" }),
      sut.root.request(`mutation { createTenant(input: { slug: "x", name: "" }) { tenant { id } } }`),
      sut.root.request(`{ tenants(first: 1000) { nodes { id } } }`),
      sut.root.request(`{ tenants(after: "garbage") { nodes { id } } }`),
    ];
    for (const result of await Promise.all(requests)) {
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(result.text).not.toMatch(/stacktrace|\n\s+at |\.ts:\d+/);
    }
  });

  it("turns an unexpected failure into INTERNAL_SERVER_ERROR with a request id, logged server-side", async () => {
    const tenants = sut.app.services.tenants;
    const original = tenants.list;
    tenants.list = async () => {
      throw new Error("boom: internal detail");
    };
    try {
      const result = await sut.root.request(`{ tenants { nodes { id } } }`);
      const error = result.errors?.[0];
      expect(error?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      expect(error?.extensions?.requestId).toEqual(expect.any(String));
      expect(result.text).not.toContain("boom");
      expect(sut.logs()).toContain("boom: internal detail");
      expect(sut.logs()).toContain(String(error?.extensions?.requestId));
    } finally {
      tenants.list = original;
    }
  });
});

describe("HTTP surface in production", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp({ config: { nodeEnv: "production", introspection: false } });
  });
  afterAll(() => sut.close());

  it("hides introspection, naming the setting that enables it", async () => {
    const result = await sut.client.request(INTROSPECTION);
    expect(result.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(result.errors?.[0].message).toBe("Introspection is disabled on this server; set INTROSPECTION=true to enable it.");
    expect(result.data).toBeUndefined();
  });

  it("does not allow the Sandbox origin unless configured", async () => {
    const response = await fetch(`${sut.app.url}/graphql`, {
      method: "OPTIONS",
      headers: { origin: "https://studio.apollographql.com", "access-control-request-method": "POST" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
