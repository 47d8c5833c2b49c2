import http from "node:http";
import { type KeysmithClient, type KeysmithMiddlewareOptions, withKeysmith } from "../../sdk/src";
import { type TestApp, startTestApp } from "../support/test-app";
import { type Listening, get, listen, tenantWithSdk } from "./sdk-support";

describe("the middleware's opt-in decision cache", () => {
  let sut: TestApp;
  let admin: KeysmithClient;
  let backendKey: string;
  let now: number;
  const servers: Listening[] = [];
  beforeAll(async () => {
    sut = await startTestApp();
    ({ admin, backendKey } = await tenantWithSdk(sut));
  });
  beforeEach(() => {
    now = Date.parse("2026-01-01T00:00:00Z");
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await sut.close();
  });

  async function guarded(options: Partial<KeysmithMiddlewareOptions> = {}): Promise<Listening> {
    const server = await listen(
      http.createServer(withKeysmith({ url: sut.app.url, token: backendKey, scopes: ["example:ListItems"], ...options }, (_request, response) => void response.end("{}"))),
    );
    servers.push(server);
    return server;
  }

  async function revokedAfterFirstUse(server: Listening): Promise<string> {
    const created = await admin.createApiKey({ input: { name: "soon revoked", scopes: ["example:read"] } });
    expect((await get(server.url, { authorization: `Bearer ${created.secret}` })).status).toBe(200);
    await admin.revokeApiKey({ input: { id: created.apiKey.id, reason: "leaked" } });
    return created.secret;
  }

  it("is off by default: a revoked key is refused at once", async () => {
    const server = await guarded();
    const key = await revokedAfterFirstUse(server);
    expect(await get(server.url, { authorization: `Bearer ${key}` })).toMatchObject({ status: 401, body: { error: { code: "REVOKED" } } });
  });

  it("when on, keeps accepting a revoked key until the entry's ttl has passed (the trade-off it names)", async () => {
    const server = await guarded({ cache: { ttlMs: 60_000, maxEntries: 100, now: () => now } });
    const key = await revokedAfterFirstUse(server);
    expect((await get(server.url, { authorization: `Bearer ${key}` })).status).toBe(200);
    now += 59_999;
    expect((await get(server.url, { authorization: `Bearer ${key}` })).status).toBe(200);
    now += 1;
    expect(await get(server.url, { authorization: `Bearer ${key}` })).toMatchObject({ status: 401, body: { error: { code: "REVOKED" } } });
  });

  it("reuses only allowed decisions, per client address: refusals are asked again", async () => {
    const server = await guarded({ cache: { ttlMs: 60_000, maxEntries: 100, now: () => now }, trustedProxies: ["127.0.0.1"] });
    const { secret, apiKey } = await admin.createApiKey({ input: { name: "disabled then enabled", scopes: ["example:read"], allowedCidrs: ["203.0.113.0/24"] } });
    const from = (address: string) => get(server.url, { authorization: `Bearer ${secret}`, "x-forwarded-for": address });
    expect((await from("203.0.113.7")).status).toBe(200);
    expect(await from("198.51.100.1")).toMatchObject({ status: 401, body: { error: { code: "IP_NOT_ALLOWED" } } });
    await admin.disableApiKey({ input: { id: apiKey.id } });
    expect((await from("203.0.113.8")).status).toBe(401);
    await admin.enableApiKey({ input: { id: apiKey.id } });
    expect((await from("203.0.113.8")).status).toBe(200);
  });
});
