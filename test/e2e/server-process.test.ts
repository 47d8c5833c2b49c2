import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { graphqlClient } from "../support/graphql-client";
import { runToExit, startServerProcess } from "../support/server-process";

// Each test starts real server processes: on a busy machine an embedded database takes a while to come up.
jest.setTimeout(180_000);

const ROOT_KEY_LINE = /^ {4}(ks_[0-9A-Za-z]{50})$/m;

describe("the server process on the embedded database", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-e2e-"));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("prints the root key once on first start, serves it, and keeps the data across a restart without a new key", async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir });
    const rootKey = ROOT_KEY_LINE.exec(first.stdout())?.[1];
    expect(rootKey).toMatch(/^ks_[0-9A-Za-z]{50}$/);
    expect(first.stdout().split(rootKey!).length).toBe(2);
    const root = graphqlClient(`${first.url}/graphql`, rootKey);
    expect((await root.ok(`{ me { kind } }`)).me.kind).toBe("ROOT");
    await root.ok(`mutation { createTenant(input: { slug: "kept-across-restarts", name: "Kept" }) { tenant { id } } }`);
    expect(first.stdout()).not.toMatch(/"msg":"[^"]*ks_[0-9A-Za-z]{20}/);
    expect(await first.stop()).toBe(0);

    const second = await startServerProcess({ DATA_DIR: dataDir });
    try {
      expect(second.stdout()).not.toMatch(ROOT_KEY_LINE);
      const again = graphqlClient(`${second.url}/graphql`, rootKey);
      const { tenants } = await again.ok(`{ tenants { nodes { slug } } }`);
      expect(tenants.nodes.map((t: { slug: string }) => t.slug)).toContain("kept-across-restarts");
    } finally {
      await second.stop();
    }
  });

  it("refuses a second server on the same data directory with a clear one-line message", async () => {
    const first = await startServerProcess({ DATA_DIR: dataDir });
    try {
      const second = await runToExit({ DATA_DIR: dataDir });
      expect(second.code).toBe(1);
      expect(second.stderr.trim().split("\n")).toHaveLength(1);
      expect(second.stderr).toContain(`is using the data directory ${dataDir}`);
      expect(second.stderr).toContain(`pid ${first.child.pid}`);
      expect(second.stderr).not.toMatch(/\n\s+at /);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  });
});

describe("configuration errors", () => {
  it.each([
    ["PORT", "not-a-port"],
    ["BCRYPT_COST", "3"],
    ["LOG_LEVEL", "loud"],
    ["DATABASE_URL", "mysql://user:hunter2@db/keysmith"],
    ["NODE_ENV", "staging"],
  ])("stops start-up on a bad %s with one line naming it, exit code 1", async (variable, value) => {
    const result = await runToExit({ [variable]: value, DATA_DIR: path.join(os.tmpdir(), "keysmith-never-created") });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^keysmith: invalid configuration: ${variable} `));
    expect(result.stderr).not.toContain(value);
    expect(result.stdout).toBe("");
  });
});

describe("a start that cannot listen", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-listen-"));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("on a busy port says so in one line, creates no root key, and the next start creates and prints one", async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", () => resolve()));
    const port = (squatter.address() as net.AddressInfo).port;
    try {
      const refused = await runToExit({ DATA_DIR: dataDir, PORT: String(port) });
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split("\n")).toEqual([`keysmith: port ${port} on 127.0.0.1 is in use; set PORT`]);
      expect(refused.stdout).not.toMatch(ROOT_KEY_LINE);
    } finally {
      squatter.close();
    }
    const next = await startServerProcess({ DATA_DIR: dataDir });
    try {
      expect(next.stdout()).toMatch(ROOT_KEY_LINE);
    } finally {
      await next.stop();
    }
  });

  it.each([
    ["a host that does not resolve", "999.1.1.1"],
    ["an address of another machine", "10.255.255.1"],
  ])("on %s names HOST in one line, and never blames the database", async (_case, host) => {
    const refused = await runToExit({ DATA_DIR: dataDir, HOST: host });
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^keysmith: HOST .*; set HOST$/);
    expect(refused.stderr).not.toContain("DATABASE_URL");
    expect(refused.stdout).not.toMatch(ROOT_KEY_LINE);
    expect(refused.stdout).not.toMatch(/"level":(50|60)/);
  });
});

/** The bcrypt compares the server has run, and those waiting for a slot. */
async function metricsOf(url: string): Promise<{ done: number; queued: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (name: string) =>
    [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)$`, "gm"))].reduce((total, match) => total + Number(match[1]), 0);
  return { done: sum("keysmith_bcrypt_compares_total"), queued: sum("keysmith_bcrypt_queue_length") };
}

/**
 * Waits, without a clock, until the server has received `count` cold checks: compares done and
 * queued, plus the scheduler's slots, which are all busy while any compare waits. A request not
 * yet received when SIGTERM lands is rightly refused, so the signal is sent only after.
 */
async function allReceived(url: string, count: number, comparesBefore: number): Promise<void> {
  const SLOTS = 4;
  for (;;) {
    const { done: total, queued } = await metricsOf(url);
    const done = total - comparesBefore;
    if (done === count || (queued > 0 && done + queued + SLOTS >= count)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("graceful shutdown", () => {
  it("exits 0 on SIGTERM after serving a request, in production mode (the shutdown deadline would exit 1)", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-idle-stop-"));
    const server = await startServerProcess({ DATA_DIR: dataDir, NODE_ENV: "production", BCRYPT_COST: "10" });
    try {
      const rootKey = ROOT_KEY_LINE.exec(server.stdout())![1];
      const response = await fetch(`${server.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${rootKey}`, connection: "close" },
        body: JSON.stringify({ query: "{ me { kind } }" }),
      });
      const body = (await response.json()) as { data: { me: { kind: string } } };
      expect(body.data.me.kind).toBe("ROOT");
      expect(await server.stop("SIGTERM")).toBe(0);
      expect(server.stdout()).not.toContain("shutdown deadline passed");
    } finally {
      await server.stop("SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("finishes 100 requests in flight on SIGTERM, flushes usage, and exits 0", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-sigterm-"));
    // Production mode, as deployed (outside tests Apollo would otherwise install signal handlers of its own).
    const server = await startServerProcess({ DATA_DIR: dataDir, BCRYPT_COST: "10", NODE_ENV: "production" });
    try {
      const rootKey = ROOT_KEY_LINE.exec(server.stdout())![1];
      const root = graphqlClient(`${server.url}/graphql`, rootKey);
      const { createTenant } = await root.ok(`mutation { createTenant(input: { slug: "shutdown", name: "Shutdown" }) { adminKey { secret } } }`);
      const admin = root.as(createTenant.adminKey.secret);
      const create = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`;
      const backend = admin.as((await admin.ok(create, { input: { name: "backend", scopes: ["keys:verify"] } })).createApiKey.secret);
      const keys = await Promise.all(
        Array.from({ length: 100 }, async (_, index) => (await admin.ok(create, { input: { name: `cold ${index}` } })).createApiKey),
      );

      // Cold checks run bcrypt at cost 10: the hundred take a while, so they are in flight when the signal lands.
      const { done: comparesBefore } = await metricsOf(server.url);
      const inFlight = keys.map((key) => backend.request(`query ($key: String!) { checkKey(input: { key: $key }) { code } }`, { key: key.secret }));
      // A compare per cold key, and one for the backend's own key on its first use.
      await allReceived(server.url, keys.length + 1, comparesBefore);
      const exited = server.stop("SIGTERM");
      const results = await Promise.all(inFlight);

      expect(results.map((result) => result.status)).toEqual(keys.map(() => 200));
      expect(results.every((result) => result.data.checkKey.code === "VALID")).toBe(true);
      expect(await exited).toBe(0);
      expect(server.stdout()).toContain('"msg":"shutting down"');

      const again = await startServerProcess({ DATA_DIR: dataDir });
      try {
        const tenantAdmin = graphqlClient(`${again.url}/graphql`, createTenant.adminKey.secret);
        const { apiKeys } = await tenantAdmin.ok(`{ apiKeys(first: 100, filter: { search: "cold" }) { nodes { usageCount } } }`);
        expect(apiKeys.nodes.filter((key: { usageCount: number }) => key.usageCount === 1)).toHaveLength(100);
      } finally {
        await again.stop();
      }
    } finally {
      await server.stop("SIGKILL");
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
