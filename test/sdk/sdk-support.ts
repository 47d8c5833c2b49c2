import http from "node:http";
import type { AddressInfo } from "node:net";
import { type KeysmithClient, createKeysmith } from "../../sdk/src";
import { backendOf } from "../support/checks";
import { type TenantFixture, createTenant } from "../support/factories";
import type { TestApp } from "../support/test-app";

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Listens on a free loopback port. */
export async function listen(server: http.Server): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())).then(() => undefined),
  };
}

/** An address where nothing listens: a port that was free a moment ago. */
export async function closedUrl(): Promise<string> {
  const listening = await listen(http.createServer());
  await listening.close();
  return listening.url;
}

/** A fresh tenant with an SDK client for its admin key and one for its backend (keys:verify only). */
export async function tenantWithSdk(sut: TestApp): Promise<{ tenant: TenantFixture; admin: KeysmithClient; backend: KeysmithClient; backendKey: string }> {
  const tenant = await createTenant(sut.root);
  const backend = await backendOf(tenant);
  return {
    tenant,
    admin: createKeysmith({ url: sut.app.url, token: tenant.adminKey }),
    backend: createKeysmith({ url: sut.app.url, token: backend.key }),
    backendKey: backend.key,
  };
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
}

async function answerOf(response: Response): Promise<HttpAnswer> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** GET with the given headers; the body parsed as JSON. */
export const get = async (url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> => answerOf(await fetch(url, { headers }));

/** POST of a JSON body; the answer's body parsed as JSON. */
export const post = async (url: string, headers: Record<string, string> = {}, body: unknown = {}): Promise<HttpAnswer> =>
  answerOf(await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) }));
