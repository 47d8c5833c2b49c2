import fc from "fast-check";
import { createTenant } from "../support/factories";
import { type TestApp, startTestApp } from "../support/test-app";

/** Fixed so a failure replays; set FUZZ_SEED to explore. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const RUNS = 10_000;
const CONCURRENCY = 8;
/**
 * The answers a request may get: 200 (executed, possibly with errors), 400 (refused: syntax,
 * validation, limits, bad JSON), 401 (a bad credential), 413 (a body over 100 kB). Never 500.
 */
const ALLOWED_STATUSES = new Set([200, 400, 401, 413]);

const FIELDS = ["me", "tenants", "tenant", "subscriptions", "subscription", "apiKey", "apiKeys", "apiKeyStats", "scopeCatalog", "checkKey", "auditEvents", "__typename", "__schema", "nope"];
const MUTATIONS = ["createTenant", "updateTenant", "suspendTenant", "resumeTenant", "createSubscription", "updateSubscription", "setSubscriptionStatus", "createApiKey", "updateApiKey", "enableApiKey", "disableApiKey", "revokeApiKey", "regenerateApiKey", "defineNamespace"];
const INPUT_FIELDS = ["id", "name", "key", "scopes", "tenantId", "expiresAt", "expiresInDays", "metadata", "allowedCidrs", "rateLimit", "status", "gracePeriodSeconds", "operations", "slug", "subscriptionIds", "mode", "clientIp"];

interface FuzzRequest {
  body: string;
  credential: "none" | "root" | "admin" | "garbage";
}

const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom("ks_abc", "00000000-0000-7000-8000-000000000001", "2026-01-01T00:00:00Z", "*:*", "::1", "LOCAL_ONLY"),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...INPUT_FIELDS), tie("value"), { maxKeys: 5 }),
  ),
})).value;

const document = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 100 }),
  fc.constantFrom("{", "}", "{ me { ", "query {{}}", "\u0000", "mutation", "{ me { kind } } { me { kind } }", "fragment F on Query { ...F } { ...F }", "subscription { me }"),
  fc.tuple(fc.constantFrom(...FIELDS), fc.array(fc.constantFrom(...INPUT_FIELDS), { maxLength: 3 })).map(
    ([field, args]) => `{ ${field}${args.length ? `(${args.map((arg, index) => `${arg}: ${index % 2 ? '"x"' : 1}`).join(", ")})` : ""} { id } }`,
  ),
  fc.tuple(fc.constantFrom(...MUTATIONS), jsonValue).map(([mutation]) => `mutation ($input: ${mutation[0].toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $input) { __typename } }`),
  fc.integer({ min: 20, max: 300 }).map((depth) => `{ ${"me { ".repeat(depth)}kind${" }".repeat(depth)} }`),
  fc.integer({ min: 16, max: 3000 }).map((count) => `{ ${Array.from({ length: count }, (_, index) => `a${index}: __typename`).join(" ")} }`),
  fc.integer({ min: 10, max: 500 }).map((count) => `query ${Array.from({ length: count }, (_, index) => `Q${index}`).join("")} { me { kind } }`),
);

const request: fc.Arbitrary<FuzzRequest> = fc.record({
  credential: fc.constantFrom("none", "root", "admin", "garbage"),
  body: fc.oneof(
    { weight: 6, arbitrary: fc.record({ query: document, variables: fc.option(jsonValue, { nil: undefined }) }).map((payload) => JSON.stringify(payload)) },
    { weight: 2, arbitrary: fc.record({ query: document, variables: fc.dictionary(fc.constantFrom("input", "id", "key"), jsonValue) }).map((payload) => JSON.stringify(payload)) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 90_000 }).map((size) => JSON.stringify({ query: "query ($input: CheckKeyInput!) { checkKey(input: $input) { code } }", variables: { input: { key: "k".repeat(size) } } })) },
    { weight: 1, arbitrary: fc.oneof(fc.string(), jsonValue.map((value) => JSON.stringify(value)), fc.constant("[{\"query\":\"{ me { kind } }\"}]"), fc.constant('{"query": 42}'), fc.constant('{"query": "{ me { kind } }", "variables": "x"}')) },
  ),
});

describe("fuzzing the GraphQL endpoint", () => {
  let sut: TestApp;
  let adminKey: string;
  beforeAll(async () => {
    sut = await startTestApp();
    adminKey = (await createTenant(sut.root)).adminKey;
  });
  afterAll(() => sut.close());

  it(`answers ${RUNS} generated requests (seed ${SEED}) with 200/400/401/413 and a GraphQL error or data, never a 500 or a stack trace`, async () => {
    const samples = fc.sample(request, { numRuns: RUNS, seed: SEED });
    const oversized = Array.from({ length: 20 }, (_, index): FuzzRequest => ({
      credential: "root",
      body: JSON.stringify({ query: "{ me { kind } }", variables: { padding: "p".repeat(100 * 1024 + index) } }),
    }));
    const requests = [...samples, ...oversized];
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const credentials = { none: undefined, root: sut.rootKey, admin: adminKey, garbage: "ks_garbage" };

    let next = 0;
    async function worker() {
      while (next < requests.length) {
        const { body, credential } = requests[next++];
        const token = credentials[credential];
        const response = await fetch(`${sut.app.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body,
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        let shapeOk = false;
        try {
          const parsed = JSON.parse(text);
          shapeOk = (Array.isArray(parsed.errors) && parsed.errors.every((error: { extensions?: { code?: unknown } }) => typeof error.extensions?.code === "string")) || "data" in parsed;
        } catch {
          shapeOk = false;
        }
        const leak = /stacktrace|\n\s+at |\.ts:\d+|INTERNAL_SERVER_ERROR/.test(text);
        if (!ALLOWED_STATUSES.has(response.status) || !shapeOk || leak) failures.push(`${response.status} ${body.slice(0, 200)} -> ${text.slice(0, 300)}`);
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(failures.slice(0, 5)).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(requests.length);
    expect(statuses.get(413)).toBeGreaterThanOrEqual(20);
    expect((await fetch(`${sut.app.url}/healthz`)).status).toBe(200);
    expect((await sut.root.ok(`{ me { kind } }`)).me.kind).toBe("ROOT");
  });
});
