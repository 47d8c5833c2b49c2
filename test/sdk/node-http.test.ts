import http from "node:http";
import { type KeysmithClient, type KeysmithMiddlewareOptions, createKeysmith, keysmithNode, withKeysmith } from "../../sdk/src";
import { DEFAULT_RATE_LIMITS } from "../../src/check/rate-limits";
import { type TestApp, startTestApp } from "../support/test-app";
import { type Listening, get, listen, tenantWithSdk } from "./sdk-support";

/** A plain node:http server whose handler runs only for keys holding example:ListItems. */
const wrapped = (options: KeysmithMiddlewareOptions): Promise<Listening> =>
  listen(
    http.createServer(
      withKeysmith({ scopes: ["example:ListItems"], ...options }, (_request, response, decision) => {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keyId: decision.keyId, clientIp: decision.clientIp }));
      }),
    ),
  );

describe("the node:http middleware on a real server", () => {
  let sut: TestApp;
  let admin: KeysmithClient;
  let backendKey: string;
  let server: Listening;
  beforeAll(async () => {
    sut = await startTestApp();
    ({ admin, backendKey } = await tenantWithSdk(sut));
    server = await wrapped({ url: sut.app.url, token: backendKey });
  });
  afterAll(async () => {
    await server.close();
    await sut.close();
  });

  it("withKeysmith: 200 with the decision, 401 without a key or with a bad one, 403 without the scope", async () => {
    const reader = await admin.createApiKey({ input: { name: "reader", scopes: ["example:read"] } });
    expect(await get(server.url, { authorization: `Bearer ${reader.secret}` })).toMatchObject({ status: 200, body: { keyId: reader.apiKey.id, clientIp: "127.0.0.1" } });
    expect(await get(server.url)).toMatchObject({ status: 401, body: { error: { code: "MISSING_KEY" } } });
    expect(await get(server.url, { authorization: "Bearer ks_0000" })).toMatchObject({ status: 401, body: { error: { code: "MALFORMED" } } });
    const writer = await admin.createApiKey({ input: { name: "writer", scopes: ["example:CreateItem"] } });
    expect(await get(server.url, { "x-api-key": writer.secret })).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
  });

  it("keysmithNode: resolves the decision and sets request.keysmith, or answers and resolves undefined; shares a client", async () => {
    const client = createKeysmith({ url: sut.app.url, token: backendKey });
    const middleware = keysmithNode({ client, scopes: ["example:ListItems"] });
    const seen: unknown[] = [];
    const listening = await listen(
      http.createServer(async (request, response) => {
        const decision = await middleware(request, response);
        seen.push(decision === undefined ? "refused" : request.keysmith === decision);
        if (decision) response.end("ok");
      }),
    );
    try {
      const reader = await admin.createApiKey({ input: { name: "reader", scopes: ["example:read"] } });
      expect((await fetch(listening.url, { headers: { authorization: `Bearer ${reader.secret}` } })).status).toBe(200);
      expect((await fetch(listening.url)).status).toBe(401);
      expect(seen).toEqual([true, "refused"]);
    } finally {
      await listening.close();
    }
  });

  it("answers UNKNOWN_SCOPE (a scope the catalog lacks) with 403", async () => {
    const misnamed = await wrapped({ url: sut.app.url, token: backendKey, scopes: ["nosuch:Thing"] });
    try {
      const key = await admin.createApiKey({ input: { name: "any" } });
      expect(await get(misnamed.url, { authorization: `Bearer ${key.secret}` })).toMatchObject({ status: 403, body: { error: { code: "UNKNOWN_SCOPE" } } });
    } finally {
      await misnamed.close();
    }
  });
});

describe("the node:http middleware when Keysmith throttles the client", () => {
  it("passes Keysmith's 429 on with its Retry-After", async () => {
    const sut = await startTestApp({ rateLimits: { ...DEFAULT_RATE_LIMITS, failedChecksPerMinute: 2, managementRequestsPerMinute: 100_000 } });
    const { backendKey } = await tenantWithSdk(sut);
    const server = await wrapped({ url: sut.app.url, token: backendKey });
    try {
      const statuses = [];
      for (let attempt = 0; attempt < 3; attempt++) statuses.push((await get(server.url, { authorization: "Bearer forged" })).status);
      expect(statuses).toEqual([401, 401, 429]);
      const throttled = await get(server.url, { authorization: "Bearer forged" });
      expect(throttled).toMatchObject({ status: 429, body: { error: { code: "RATE_LIMITED" } } });
      expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await server.close();
      await sut.close();
    }
  });
});
