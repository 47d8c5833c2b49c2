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
const ALLOWED_STATUSES = new Set([200, 400, 401, 413, 429]);

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

/** Strings as users and attackers send them: ordinary, with control characters (NUL first), long, or in other scripts. */
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom("\u0000", "\u0001", "\u0007", "\u001b", "\u001f", "\u000b"), fc.string({ maxLength: 10 })).map((parts) => parts.join("")),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.integer({ min: 200, max: 5_000 }).map((length) => "x".repeat(length)),
);
const uuid = fc.oneof(fc.uuid(), fc.constantFrom("00000000-0000-7000-8000-000000000001", "not-a-uuid", "00000000-0000-0000-0000-000000000000"));
/** Dates valid in JavaScript, some outside PostgreSQL's range. */
const date = fc.oneof(
  fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((value) => value.toISOString()),
  fc.constantFrom("-271821-04-20T00:00:00.000Z", "+275760-09-13T00:00:00.000Z", "-004714-01-01T00:00:00.000Z", "0000-01-01T00:00:00.000Z", "2026-13-45T99:99:99Z", "yesterday"),
);
const int = fc.oneof(fc.integer({ min: -5, max: 400 }), fc.constantFrom(2_147_483_647, -2_147_483_648, 0, -1, 86_401, 604_801));
/** JSON for metadata: nested deep, wide, or holding control characters in its keys and values. */
const metadata = fc.oneof(
  fc.dictionary(text, fc.oneof(text, int, fc.boolean()), { maxKeys: 5 }),
  fc.integer({ min: 10, max: 200 }).map((depth) => JSON.parse(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`)),
  fc.integer({ min: 100, max: 2_000 }).map((width) => Object.fromEntries(Array.from({ length: width }, (_, index) => [`k${index}`, index]))),
  fc.constant({ "nul\u0000key": "value" }),
);
/** Cursors a client could forge: valid shapes holding values no column can hold, or garbage. */
const cursor = fc.oneof(
  fc.tuple(fc.constantFrom("CREATED_AT", "EXPIRES_AT", "LAST_USED_AT", "NAME", "CREATED_BY"), fc.constantFrom("ASC", "DESC"), fc.oneof(date, text, fc.constant(null)), uuid).map((values) =>
    Buffer.from(JSON.stringify(values)).toString("base64url"),
  ),
  fc.tuple(date, uuid).map((values) => Buffer.from(JSON.stringify(values)).toString("base64url")),
  text,
);
const scopes = fc.array(fc.oneof(text, fc.constantFrom("*:*", "*:read", "example:read", "example:ListItems", "keys:*", "platform:*")), { maxLength: 4 });

/** Well-formed documents with typed, hostile variables: they reach the resolvers and the database. */
const typedOperation = fc.oneof(
  fc.record({ name: text, description: fc.option(text), externalId: fc.option(text), expiresAt: fc.option(date), expiresInDays: fc.option(int), scopes, allowedCidrs: fc.array(text, { maxLength: 3 }), rateLimit: fc.option(fc.record({ limit: int, windowSeconds: int })), metadata: fc.option(metadata) }).map((input) => ({
    query: "mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }",
    variables: { input },
  })),
  fc.record({ id: uuid, name: fc.option(text), metadata: fc.option(metadata), expiresAt: fc.option(date), scopes: fc.option(scopes) }).map((input) => ({
    query: "mutation ($input: UpdateApiKeyInput!) { updateApiKey(input: $input) { apiKey { id } } }",
    variables: { input },
  })),
  fc.record({ search: fc.option(text), externalId: fc.option(text), createdBy: fc.option(text), after: fc.option(cursor), first: fc.option(int), field: fc.constantFrom("NAME", "CREATED_AT", "EXPIRES_AT", "CREATED_BY", "LAST_USED_AT"), direction: fc.constantFrom("ASC", "DESC") }).map(
    ({ search, externalId, createdBy, after, first, field, direction }) => ({
      query: "query ($filter: ApiKeyFilter, $orderBy: ApiKeyOrder, $first: Int, $after: String) { apiKeys(filter: $filter, orderBy: $orderBy, first: $first, after: $after) { totalCount nodes { id } } }",
      variables: { filter: { search, externalId, createdBy }, orderBy: { field, direction }, first, after },
    }),
  ),
  fc.record({ actorId: fc.option(text), targetId: fc.option(uuid), since: fc.option(date), until: fc.option(date), after: fc.option(cursor) }).map(({ after, ...filter }) => ({
    query: "query ($filter: AuditEventFilter, $after: String) { auditEvents(filter: $filter, after: $after) { nodes { id } } }",
    variables: { filter, after },
  })),
  fc.record({ after: fc.option(cursor), first: fc.option(int) }).map((variables) => ({ query: "query ($after: String, $first: Int) { tenants(after: $after, first: $first) { nodes { id } } subscriptions(after: $after) { nodes { id } } }", variables })),
  fc.record({ slug: text, name: text, keyPrefix: fc.option(text) }).map((input) => ({ query: "mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }", variables: { input } })),
  fc.record({ name: text, description: fc.option(text), operations: fc.array(fc.record({ name: text, access: fc.constantFrom("READ", "WRITE") }), { maxLength: 3 }) }).map((input) => ({
    query: "mutation ($input: DefineNamespaceInput!) { defineNamespace(input: $input) { namespace { id } } }",
    variables: { input },
  })),
  fc.record({ key: text, scopes, clientIp: fc.option(text), subscriptionId: fc.option(uuid) }).map((input) => ({ query: "query ($input: CheckKeyInput!) { checkKey(input: $input) { code } }", variables: { input } })),
  fc.record({ id: uuid, gracePeriodSeconds: int, reason: fc.option(text) }).map(({ id, gracePeriodSeconds, reason }) => ({
    query: "mutation ($g: RegenerateApiKeyInput!, $r: RevokeApiKeyInput!) { regenerateApiKey(input: $g) { secret } revokeApiKey(input: $r) { apiKey { id } } }",
    variables: { g: { id, gracePeriodSeconds }, r: { id, reason } },
  })),
  fc.record({ id: uuid }).map((variables) => ({ query: "query ($id: ID!) { apiKey(id: $id) { id } subscription(id: $id) { id } }", variables })),
);

const request: fc.Arbitrary<FuzzRequest> = fc.record({
  credential: fc.constantFrom("none", "root", "admin", "garbage"),
  body: fc.oneof(
    { weight: 6, arbitrary: fc.record({ query: document, variables: fc.option(jsonValue, { nil: undefined }) }).map((payload) => JSON.stringify(payload)) },
    { weight: 6, arbitrary: typedOperation.map((payload) => JSON.stringify(payload)) },
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
    // Nothing unexpected happened on the server either: no error logged, no stack written.
    const logged = sut.logs().split("\n").filter(Boolean).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(logged.filter((line) => line.level >= 50).map((line) => line.msg)).toEqual([]);
  }, 300_000);
});
