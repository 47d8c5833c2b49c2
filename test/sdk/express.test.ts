import http from "node:http";
import express from "express";
import { type KeysmithClient, type KeysmithMiddlewareOptions, KeysmithError, keysmithExpress } from "../../sdk/src";
import { type TestApp, startTestApp } from "../support/test-app";
import { type Listening, closedUrl, get, listen, tenantWithSdk } from "./sdk-support";

/** A real Express app on a free port: GET /items needs example:ListItems and answers what the middleware passed on. */
async function expressApp(options: KeysmithMiddlewareOptions): Promise<Listening> {
  const app = express();
  app.get("/items", keysmithExpress({ scopes: ["example:ListItems"], ...options }), (request, response) => {
    response.json({ keyId: request.keysmith?.keyId, clientIp: request.keysmith?.clientIp, matchedScopes: request.keysmith?.matchedScopes });
  });
  return listen(http.createServer(app));
}

describe("keysmithExpress in a real Express app", () => {
  let sut: TestApp;
  let admin: KeysmithClient;
  let backendKey: string;
  let server: Listening;
  beforeAll(async () => {
    sut = await startTestApp();
    ({ admin, backendKey } = await tenantWithSdk(sut));
    server = await expressApp({ url: sut.app.url, token: backendKey });
  });
  afterAll(async () => {
    await server.close();
    await sut.close();
  });

  const keyWith = async (input: Record<string, unknown> = {}) => (await admin.createApiKey({ input: { name: "customer", ...input } })).secret;

  it("200: a valid key with the scope reaches the handler with its decision (Bearer or X-API-Key)", async () => {
    const created = await admin.createApiKey({ input: { name: "customer", scopes: ["example:read"] } });
    for (const headers of [{ authorization: `Bearer ${created.secret}` }, { "x-api-key": created.secret }] as Array<Record<string, string>>) {
      const answer = await get(`${server.url}/items`, headers);
      expect(answer).toMatchObject({ status: 200, body: { keyId: created.apiKey.id, clientIp: "127.0.0.1", matchedScopes: ["example:read"] } });
    }
  });

  it("401 MISSING_KEY without a key, with WWW-Authenticate", async () => {
    const answer = await get(`${server.url}/items`);
    expect(answer).toMatchObject({ status: 401, body: { error: { code: "MISSING_KEY", message: expect.any(String) } } });
    expect(answer.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("401 with the check's code for a bad key", async () => {
    expect(await get(`${server.url}/items`, { authorization: "Bearer not-a-key" })).toMatchObject({ status: 401, body: { error: { code: "MALFORMED" } } });
    const revoked = await admin.createApiKey({ input: { name: "revoked", scopes: ["example:read"] } });
    await admin.revokeApiKey({ input: { id: revoked.apiKey.id } });
    expect(await get(`${server.url}/items`, { "x-api-key": revoked.secret })).toMatchObject({ status: 401, body: { error: { code: "REVOKED" } } });
  });

  it("403 FORBIDDEN for a key without the scope", async () => {
    const key = await keyWith({ scopes: ["example:CreateItem"] });
    expect(await get(`${server.url}/items`, { authorization: `Bearer ${key}` })).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
  });

  it("429 RATE_LIMITED with Retry-After for a key over its own limit", async () => {
    const key = await keyWith({ scopes: ["example:read"], rateLimit: { limit: 1, windowSeconds: 60 } });
    expect((await get(`${server.url}/items`, { authorization: `Bearer ${key}` })).status).toBe(200);
    const limited = await get(`${server.url}/items`, { authorization: `Bearer ${key}` });
    expect(limited).toMatchObject({ status: 429, body: { error: { code: "RATE_LIMITED" } } });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("503 SERVICE_UNAVAILABLE when Keysmith is unreachable, telling onError", async () => {
    const errors: KeysmithError[] = [];
    const unreachable = await expressApp({ url: await closedUrl(), token: backendKey, onError: (error) => errors.push(error) });
    try {
      const answer = await get(`${unreachable.url}/items`, { authorization: "Bearer ks_whatever" });
      expect(answer).toMatchObject({ status: 503, body: { error: { code: "SERVICE_UNAVAILABLE" } } });
      expect(errors.map((error) => error.code)).toEqual(["SERVICE_UNAVAILABLE"]);
    } finally {
      await unreachable.close();
    }
  });

  it("503 when Keysmith refuses the backend's own token (not the end user's fault)", async () => {
    const misconfigured = await expressApp({ url: sut.app.url, token: "ks_not_a_backend_key" });
    try {
      expect(await get(`${misconfigured.url}/items`, { authorization: `Bearer ${await keyWith()}` })).toMatchObject({ status: 503, body: { error: { code: "SERVICE_UNAVAILABLE" } } });
    } finally {
      await misconfigured.close();
    }
  });

  describe("the client address it passes as clientIp (proved by keys with allowedCidrs)", () => {
    let behindProxy: Listening;
    beforeAll(async () => {
      behindProxy = await expressApp({ url: sut.app.url, token: backendKey, trustedProxies: ["127.0.0.1/32"] });
    });
    afterAll(() => behindProxy.close());

    it("behind a trusted proxy: the right-most untrusted X-Forwarded-For hop", async () => {
      const key = await keyWith({ scopes: ["example:read"], allowedCidrs: ["203.0.113.0/24"] });
      const answer = await get(`${behindProxy.url}/items`, { authorization: `Bearer ${key}`, "x-forwarded-for": "198.51.100.1, 203.0.113.7" });
      expect(answer).toMatchObject({ status: 200, body: { clientIp: "203.0.113.7" } });
    });

    it("behind a trusted proxy: a hop the client wrote further left is not believed", async () => {
      const key = await keyWith({ scopes: ["example:read"], allowedCidrs: ["198.51.100.0/24"] });
      const answer = await get(`${behindProxy.url}/items`, { authorization: `Bearer ${key}`, "x-forwarded-for": "198.51.100.1, 203.0.113.7" });
      expect(answer).toMatchObject({ status: 401, body: { error: { code: "IP_NOT_ALLOWED" } } });
    });

    it("from an untrusted peer: X-Forwarded-For is ignored, the socket's address is passed", async () => {
      const elsewhere = await keyWith({ scopes: ["example:read"], allowedCidrs: ["203.0.113.0/24"] });
      const spoofed = await get(`${server.url}/items`, { authorization: `Bearer ${elsewhere}`, "x-forwarded-for": "203.0.113.7" });
      expect(spoofed).toMatchObject({ status: 401, body: { error: { code: "IP_NOT_ALLOWED" } } });
      const local = await keyWith({ scopes: ["example:read"], allowedCidrs: ["127.0.0.1/32"] });
      const answer = await get(`${server.url}/items`, { authorization: `Bearer ${local}`, "x-forwarded-for": "203.0.113.7" });
      expect(answer).toMatchObject({ status: 200, body: { clientIp: "127.0.0.1" } });
    });
  });
});
