import http from "node:http";
import { randomBytes } from "node:crypto";
import { backendOf } from "../support/checks";
import { createTenant, type TenantFixture } from "../support/factories";
import { graphqlClient } from "../support/graphql-client";
import { REVOKE_KEY, createKey } from "../support/key-operations";
import { type ServerDatabase, requireRedis, scratchDatabase } from "../support/local-services";
import { type ServerProcess, runToExit, startServerProcess } from "../support/server-process";

// Each test starts real server processes: on a busy machine an embedded database takes a while to come up.
jest.setTimeout(180_000);

/** DESIGN.md: once a revocation returns, every instance (every worker) answers REVOKED within one second. */
const PROPAGATION_BOUND_MS = 1_000;
const TRIALS = 10;

interface Answer {
  status: number;
  body: any;
}

/** One keep-alive connection, so every request on it reaches the same worker. */
class Connection {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  constructor(private readonly url: string) {}

  request(method: string, path: string, body?: unknown, credential?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { "content-type": "application/json", ...(credential ? { authorization: `Bearer ${credential}` } : {}) };
      const request = http.request(`${this.url}${path}`, { method, agent: this.agent, headers }, (response) => {
        let text = "";
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text.startsWith("{") ? JSON.parse(text) : text }));
      });
      request.on("error", reject);
      request.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  async worker(): Promise<number> {
    return (await this.request("GET", "/healthz")).body.worker;
  }

  async checkCode(backendKey: string, key: string): Promise<string> {
    return (await this.request("POST", "/v1/keys.check", { key }, backendKey)).body.code;
  }

  close(): void {
    this.agent.destroy();
  }
}

describe("WEB_CONCURRENCY=2 on PostgreSQL", () => {
  let database: ServerDatabase;
  let server: ServerProcess;
  let tenant: TenantFixture;
  let backendKey: string;
  let first: Connection;
  let second: Connection;
  const connections: Connection[] = [];

  beforeAll(async () => {
    database = await scratchDatabase();
    server = await startServerProcess({
      DATABASE_URL: database.target.url,
      REDIS_URL: await requireRedis(),
      REDIS_PREFIX: `keysmith-test-${randomBytes(4).toString("hex")}`,
      WEB_CONCURRENCY: "2",
    });
    const rootKey = /store it now:\s+(\S+)/.exec(server.stdout())![1]!;
    tenant = await createTenant(graphqlClient(`${server.url}/graphql`).as(rootKey));
    backendKey = (await backendOf(tenant)).key;
    // New connections are dealt to the workers in turn: two in a row reach both.
    const byWorker = new Map<number, Connection>();
    while (byWorker.size < 2 && connections.length < 20) {
      const connection = new Connection(server.url);
      connections.push(connection);
      byWorker.set(await connection.worker(), connection);
    }
    [first, second] = [...byWorker.values()] as [Connection, Connection];
  }, 120_000);

  afterAll(async () => {
    for (const connection of connections) connection.close();
    await server?.stop();
    await database?.drop();
  });

  it("serves one port from two workers", async () => {
    expect(new Set([await first.worker(), await second.worker()]).size).toBe(2);
  });

  /** Polls a worker until it answers the expected code; returns how long that took after the change returned. */
  async function answersWithin(connection: Connection, key: string, expected: string): Promise<number> {
    const changedAt = Date.now();
    while ((await connection.checkCode(backendKey, key)) !== expected && Date.now() - changedAt <= PROPAGATION_BOUND_MS) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return Date.now() - changedAt;
  }

  it.each([
    ["the first", "the second"],
    ["the second", "the first"],
  ])(`sees a revocation made through %s worker on %s within a second, ${TRIALS} times`, async (through) => {
    const [changer, watcher] = through === "the first" ? [first, second] : [second, first];
    const delays: number[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const key = await createKey(tenant.admin);
      // Warm on both: each worker has proved the key and caches it.
      for (const connection of [changer, watcher, changer, watcher]) expect(await connection.checkCode(backendKey, key.secret)).toBe("VALID");
      const revoked = await changer.request("POST", "/graphql", { query: REVOKE_KEY, variables: { input: { id: key.id } } }, tenant.adminKey);
      expect(revoked.body.data.revokeApiKey.apiKey.status).toBe("REVOKED");
      delays.push(await answersWithin(watcher, key.secret, "REVOKED"));
    }
    expect(Math.max(...delays)).toBeLessThanOrEqual(PROPAGATION_BOUND_MS);
  });

  it("serves /metrics merged from every worker, each series labelled with its worker", async () => {
    const metrics = (await first.request("GET", "/metrics")).body as string;
    for (const worker of [await first.worker(), await second.worker()]) {
      expect(metrics).toMatch(new RegExp(`keysmith_check_results_total\\{code="VALID",worker="${worker}"\\} [1-9]`));
    }
  });
});

describe("WEB_CONCURRENCY refusals", () => {
  it.each([
    ["on the embedded database", {}, "needs DATABASE_URL"],
    ["without REDIS_URL", { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" }, "needs REDIS_URL"],
  ])("refuses more than one worker %s, in one line", async (_case, env, reason) => {
    const result = await runToExit({ WEB_CONCURRENCY: "2", ...env });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^keysmith: invalid configuration: WEB_CONCURRENCY above 1 ${reason}`))]);
  });
});
