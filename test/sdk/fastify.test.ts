import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { type KeysmithClient, type KeysmithDecision, type KeysmithMiddlewareOptions, keysmithFastify } from "../../sdk/src";
import { type TestApp, startTestApp } from "../support/test-app";
import { closedUrl, get, post, tenantWithSdk } from "./sdk-support";

// As docs/sdk.md tells Fastify users to declare it: the SDK itself does not depend on Fastify's types.
declare module "fastify" {
  interface FastifyRequest {
    keysmith?: KeysmithDecision;
  }
}

/** A real Fastify app on a free port: the hook on one route, and app-wide in an encapsulated plugin. */
async function fastifyApp(options: KeysmithMiddlewareOptions): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify();
  app.get("/items", { preHandler: keysmithFastify({ scopes: ["example:ListItems"], ...options }) }, async (request) => ({
    keyId: request.keysmith?.keyId,
    clientIp: request.keysmith?.clientIp,
  }));
  await app.register(async (admin) => {
    admin.addHook("preHandler", keysmithFastify({ scopes: ["example:CreateItem"], ...options }));
    admin.post("/admin/items", async (request) => ({ created: true, by: request.keysmith?.name }));
  });
  app.get("/health", async () => ({ ok: true }));
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

describe("keysmithFastify in a real Fastify app", () => {
  let sut: TestApp;
  let admin: KeysmithClient;
  let backendKey: string;
  let server: { app: FastifyInstance; url: string };
  beforeAll(async () => {
    sut = await startTestApp();
    ({ admin, backendKey } = await tenantWithSdk(sut));
    server = await fastifyApp({ url: sut.app.url, token: backendKey });
  });
  afterAll(async () => {
    await server.app.close();
    await sut.close();
  });

  const keyWith = async (input: Record<string, unknown>) => admin.createApiKey({ input: { name: "customer", ...input } });

  it("200: a valid key with the scope reaches the route with request.keysmith", async () => {
    const created = await keyWith({ scopes: ["example:read"] });
    expect(await get(`${server.url}/items`, { authorization: `Bearer ${created.secret}` })).toMatchObject({
      status: 200,
      body: { keyId: created.apiKey.id, clientIp: "127.0.0.1" },
    });
  });

  it("guards every route of a plugin that adds the hook, and none outside it", async () => {
    const writer = await keyWith({ name: "writer", scopes: ["example:CreateItem"] });
    expect(await post(`${server.url}/admin/items`, { "x-api-key": writer.secret })).toMatchObject({ status: 200, body: { created: true, by: "writer" } });
    expect((await post(`${server.url}/admin/items`)).status).toBe(401);
    expect((await get(`${server.url}/health`)).status).toBe(200);
  });

  it("401 without a key and for a bad key", async () => {
    expect(await get(`${server.url}/items`)).toMatchObject({ status: 401, body: { error: { code: "MISSING_KEY" } } });
    expect(await get(`${server.url}/items`, { "x-api-key": "ks_forged" })).toMatchObject({ status: 401, body: { error: { code: "MALFORMED" } } });
    const disabled = await keyWith({ scopes: ["example:read"] });
    await admin.disableApiKey({ input: { id: disabled.apiKey.id } });
    const answer = await get(`${server.url}/items`, { authorization: `Bearer ${disabled.secret}` });
    expect(answer).toMatchObject({ status: 401, body: { error: { code: "DISABLED" } } });
    expect(answer.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("403 for a key without the scope", async () => {
    const reader = await keyWith({ scopes: ["example:read"] });
    expect(await post(`${server.url}/admin/items`, { authorization: `Bearer ${reader.secret}` })).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
  });

  it("503 when Keysmith is unreachable", async () => {
    const unreachable = await fastifyApp({ url: await closedUrl(), token: backendKey });
    try {
      expect(await get(`${unreachable.url}/items`, { authorization: "Bearer ks_whatever" })).toMatchObject({ status: 503, body: { error: { code: "SERVICE_UNAVAILABLE" } } });
    } finally {
      await unreachable.app.close();
    }
  });

  it("passes the right-most untrusted X-Forwarded-For hop only behind a trusted proxy", async () => {
    const key = await keyWith({ scopes: ["example:read"], allowedCidrs: ["2001:db8::/32"] });
    const headers = { authorization: `Bearer ${key.secret}`, "x-forwarded-for": "2001:db8::7" };
    expect(await get(`${server.url}/items`, headers)).toMatchObject({ status: 401, body: { error: { code: "IP_NOT_ALLOWED" } } });
    const behindProxy = await fastifyApp({ url: sut.app.url, token: backendKey, trustedProxies: ["127.0.0.0/8"] });
    try {
      expect(await get(`${behindProxy.url}/items`, headers)).toMatchObject({ status: 200, body: { clientIp: "2001:db8::7" } });
    } finally {
      await behindProxy.app.close();
    }
  });
});
