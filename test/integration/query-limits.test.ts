import { getIntrospectionQuery } from "graphql";
import { type TestApp, startTestApp } from "../support/test-app";

async function post(sut: TestApp, query: string) {
  const response = await fetch(`${sut.app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${sut.rootKey}` },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

describe("query limits", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it("accepts Apollo Sandbox's introspection query", async () => {
    const result = await post(sut, getIntrospectionQuery());
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
  });

  const nested = (depth: number) => `{ __schema { types { ${"fields { type { ".repeat(depth)}name${" } }".repeat(depth)} } } }`;

  it.each([
    ["deeply nested introspection", nested(8)],
    ["many aliases", `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: me { kind }`).join(" ")} }`],
    ["many directives", `{ me { ${Array.from({ length: 30 }, () => "kind @include(if: true)").join(" ")} } }`],
    ["too many tokens", `{ ${Array.from({ length: 2500 }, () => "__typename").join(" ")} }`],
    [
      "a costly query",
      `{ ${Array.from({ length: 10 }, (_, i) => `k${i}: apiKeys(first: 100) { nodes { id name scopes rateLimit { limit } } totalCount }`).join(" ")} }`,
    ],
    ["a document with hundreds of errors", `{ ${Array.from({ length: 1500 }, () => "__typename").join(" ")} }`],
  ])("refuses %s with HTTP 400 and QUERY_TOO_COMPLEX, without echoing the limits", async (_what, query) => {
    const result = await post(sut, query);
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions.code).toBe("QUERY_TOO_COMPLEX");
    expect(result.text).not.toMatch(/\b(15|20|2000|20000)\b/);
  });

  it("accepts every documented operation shape: a nested key list stays within the limits", async () => {
    const result = await post(sut, `{ apiKeys { nodes { id rateLimit { limit } scopes } pageInfo { endCursor } totalCount } auditEvents { nodes { actor { kind } } } }`);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
  });

  it("does not suggest field names", async () => {
    const result = await post(sut, `{ tenantz { nodes { id } } }`);
    expect(result.status).toBe(400);
    expect(result.text).not.toContain("Did you mean");
  });
});
