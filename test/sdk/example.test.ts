import http from "node:http";
import type { Express } from "express";
import { type TestApp, startTestApp } from "../support/test-app";
import { type Listening, get, listen, post, tenantWithSdk } from "./sdk-support";

// The example is plain JavaScript, run by node as it is; its one module is loaded as such here.
const { createApp } = require("../../examples/express-backend/app") as {
  createApp(settings: { keysmithUrl: string; keysmithToken: string; trustedProxies?: string[] }): Express;
};

describe("examples/express-backend", () => {
  let sut: TestApp;
  let example: Listening;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(async () => {
    await example?.close();
    await sut.close();
  });

  it("serves a customer's key with the scope, and refuses one without", async () => {
    const { admin, backendKey } = await tenantWithSdk(sut);
    example = await listen(http.createServer(createApp({ keysmithUrl: sut.app.url, keysmithToken: backendKey })));
    const customer = await admin.createApiKey({ input: { name: "Mobile app", externalId: "user-42", scopes: ["example:read"] } });
    const writer = await admin.createApiKey({ input: { name: "Partner", externalId: "user-42", scopes: ["example:read", "example:CreateItem"] } });
    const as = (key: string) => ({ authorization: `Bearer ${key}` });

    expect(await get(`${example.url}/items`, as(customer.secret))).toMatchObject({ status: 200, body: { owner: "user-42", items: [] } });
    expect(await post(`${example.url}/items`, as(customer.secret), { name: "first" })).toMatchObject({ status: 403, body: { error: { code: "FORBIDDEN" } } });
    expect(await post(`${example.url}/items`, as(writer.secret), { name: "first" })).toMatchObject({ status: 201, body: { name: "first", createdBy: "Partner" } });
    expect(await get(`${example.url}/items`, as(customer.secret))).toMatchObject({ status: 200, body: { items: [{ name: "first" }] } });
    expect(await get(`${example.url}/items`)).toMatchObject({ status: 401, body: { error: { code: "MISSING_KEY" } } });
  });
});
