import { randomBytes } from "node:crypto";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { createTenant, type TenantFixture } from "../support/factories";
import { DISABLE_KEY, REVOKE_KEY, UPDATE_KEY, createKey } from "../support/key-operations";
import { KEY_EVENTS, type LiveSocket, connectLive, openLiveSocket } from "../support/live-socket";
import { type ServerDatabase, requireRedis, serverDatabase } from "../support/local-services";
import { type TestApp, startTestApp } from "../support/test-app";

/** Long enough that only a change's own notice can close a socket during a test. */
const NO_PERIODIC_RECHECK = 3_600_000;

/** Waits (without a clock) until the instance's hub holds `count` streams. */
async function streamsOpen(app: TestApp, count: number): Promise<void> {
  while (app.app.services.eventHub.subscribers < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("live key events over graphql-ws", () => {
  let sut: TestApp;
  let tenant: TenantFixture;
  const sockets: LiveSocket[] = [];
  const live = async (credential: string) => {
    const socket = await connectLive(sut.app.url, credential);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    sut = await startTestApp({ liveRecheckMs: NO_PERIODIC_RECHECK, events: { manual: true } });
    tenant = await createTenant(sut.root);
  });
  /** Subscribes and waits until the server holds the stream: a change made before might be missed. */
  const subscribe = async (socket: LiveSocket, id: string, query = KEY_EVENTS, variables?: Record<string, unknown>) => {
    const before = sut.app.services.eventHub.subscribers;
    socket.subscribe(id, query, variables);
    await streamsOpen(sut, before + 1);
  };
  afterEach(async () => {
    const open = sockets.splice(0);
    open.forEach((socket) => socket.close());
    await Promise.all(open.map((socket) => socket.closed));
    while (sut.app.services.eventHub.subscribers > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  });
  afterAll(() => sut.close());

  it("streams each change of the tenant's keys once, in order, with the webhook's id and data", async () => {
    const socket = await live(tenant.adminKey);
    await subscribe(socket, "1");
    const key = await createKey(tenant.admin, { name: "Streamed" });
    await tenant.admin.ok(UPDATE_KEY, { input: { id: key.id, description: "edited" } });
    await tenant.admin.ok(REVOKE_KEY, { input: { id: key.id } });
    const events = [await socket.nextFor("1"), await socket.nextFor("1"), await socket.nextFor("1")].map((message) => message.payload.data.keyEvents);
    expect(events.map((event) => event.type)).toEqual(["KEY_CREATED", "KEY_UPDATED", "KEY_REVOKED"]);
    expect(events[0]).toMatchObject({ keyId: key.id, data: { tenantId: tenant.id, key: { id: key.id, name: "Streamed", status: "ACTIVE" } } });
    const stored = await sut.app.dataSource.query("SELECT id FROM events WHERE key_id = $1 ORDER BY occurred_at", [key.id]);
    expect(events.map((event) => event.id)).toEqual(stored.map((row: { id: string }) => row.id));
    expect(JSON.stringify(events)).not.toContain(key.secret);
  });

  it("works with the graphql-ws client", async () => {
    const client = createClient({ url: `${sut.app.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${tenant.adminKey}` }, retryAttempts: 0 });
    try {
      const events = client.iterate<{ keyEvents: { type: string; keyId: string } }>({ query: "subscription { keyEvents { type keyId } }" });
      const first = events.next();
      await streamsOpen(sut, 1);
      const key = await createKey(tenant.admin);
      expect((await first).value.data).toEqual({ keyEvents: { type: "KEY_CREATED", keyId: key.id } });
      await events.return?.();
    } finally {
      await client.dispose();
    }
  });

  it("shows a tenant none of another tenant's events", async () => {
    const other = await createTenant(sut.root);
    const socket = await live(other.adminKey);
    await subscribe(socket, "1");
    await createKey(tenant.admin, { name: "not yours" });
    const own = await createKey(other.admin, { name: "yours" });
    expect((await socket.nextFor("1")).payload.data.keyEvents).toMatchObject({ keyId: own.id, data: { tenantId: other.id } });
  });

  it("lets root follow one tenant, and refuses another tenant's id to a tenant principal as NOT_FOUND", async () => {
    const ofTenant = "subscription ($tenantId: ID) { keyEvents(tenantId: $tenantId) { keyId } }";
    const other = await createTenant(sut.root);
    const socket = await live(other.adminKey);
    socket.subscribe("1", ofTenant, { tenantId: tenant.id });
    expect(await socket.nextFor("1")).toMatchObject({ type: "next", payload: { errors: [{ extensions: { code: "NOT_FOUND" } }] } });
    const rootSocket = await live(sut.rootKey);
    await subscribe(rootSocket, "1", ofTenant, { tenantId: tenant.id });
    const key = await createKey(tenant.admin);
    expect((await rootSocket.nextFor("1")).payload.data.keyEvents).toEqual({ keyId: key.id });
  });

  describe("refusals", () => {
    it("closes a socket whose connection_init carries no credential, or a bad one (4401)", async () => {
      for (const params of [undefined, {}, { authorization: "Bearer ks_not_a_key" }, { authorization: "Basic abc" }]) {
        const socket = await openLiveSocket(sut.app.url, params);
        expect(await socket.closed).toMatchObject({ code: 4401 });
      }
    });

    it("serves subscriptions only: a query or a mutation over the socket is BAD_REQUEST", async () => {
      const socket = await live(tenant.adminKey);
      socket.subscribe("q", "{ me { kind } }");
      expect(await socket.nextFor("q")).toMatchObject({ type: "error", payload: [{ extensions: { code: "BAD_REQUEST" }, message: expect.stringContaining("POST /graphql") }] });
      socket.subscribe("m", `mutation { createApiKey(input: { name: "over the socket" }) { secret } }`);
      expect(await socket.nextFor("m")).toMatchObject({ type: "error", payload: [{ extensions: { code: "BAD_REQUEST" } }] });
      expect(await sut.app.dataSource.query("SELECT id FROM api_keys WHERE name = 'over the socket'")).toEqual([]);
    });

    it("applies the validation rules and query limits of POST /graphql", async () => {
      const socket = await live(tenant.adminKey);
      socket.subscribe("v", "subscription { keyEvents { nope } }");
      expect(await socket.nextFor("v")).toMatchObject({ type: "error", payload: [{ extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });
      socket.subscribe("p", "subscription { keyEvents { ");
      expect((await socket.nextFor("p")).payload[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
      const aliases = Array.from({ length: 30 }, (_, index) => `a${index}: id`).join(" ");
      socket.subscribe("a", `subscription { keyEvents { ${aliases} } }`);
      expect(await socket.nextFor("a")).toMatchObject({ type: "error", payload: [{ extensions: { code: "QUERY_TOO_COMPLEX" } }] });
      const tokens = Array.from({ length: 2_100 }, () => "id").join(" ");
      socket.subscribe("t", `subscription { keyEvents { ${tokens} } }`);
      expect((await socket.nextFor("t")).payload[0].extensions.code).toBe("QUERY_TOO_COMPLEX");
    });

    it("needs keys:list", async () => {
      const verifier = await createKey(tenant.admin, { scopes: ["keys:verify"] });
      const socket = await live(verifier.secret);
      socket.subscribe("1", KEY_EVENTS);
      expect(await socket.nextFor("1")).toMatchObject({ type: "next", payload: { errors: [{ extensions: { code: "FORBIDDEN" } }] } });
      expect(await socket.nextFor("1")).toMatchObject({ type: "complete" });
    });

    it("closes a socket sent a message over 100 kB", async () => {
      const socket = await live(tenant.adminKey);
      socket.subscribe("big", `subscription { keyEvents { id } } # ${"x".repeat(110 * 1024)}`);
      expect((await socket.closed).code).toBe(1009);
    });

    it("holds at most 20 subscriptions per socket", async () => {
      const socket = await live(tenant.adminKey);
      for (let index = 1; index <= 20; index++) socket.subscribe(String(index), KEY_EVENTS);
      await streamsOpen(sut, 20);
      socket.subscribe("21", KEY_EVENTS);
      expect(await socket.nextFor("21")).toMatchObject({ type: "error", payload: [{ extensions: { code: "BAD_REQUEST" } }] });
      expect(sut.app.services.eventHub.subscribers).toBe(20);
    });

    it("answers a subscription sent with POST /graphql cleanly, not with a 500", async () => {
      const result = await tenant.admin.request(KEY_EVENTS);
      expect(result.status).toBe(400);
      expect(result.errors?.[0]).toMatchObject({ extensions: { code: "BAD_REQUEST" }, message: expect.stringContaining("WebSocket") });
    });
  });

  describe("a credential that stops holding", () => {
    it("closes the sockets of a revoked key (4403), from the revocation itself", async () => {
      const watcher = await createKey(tenant.admin, { scopes: ["keys:list"] });
      const socket = await live(watcher.secret);
      await subscribe(socket, "1");
      await tenant.admin.ok(REVOKE_KEY, { input: { id: watcher.id } });
      expect(await socket.closed).toMatchObject({ code: 4403 });
    });

    it("closes the sockets of a disabled key", async () => {
      const watcher = await createKey(tenant.admin, { scopes: ["keys:list"] });
      const socket = await live(watcher.secret);
      await subscribe(socket, "1");
      await tenant.admin.ok(DISABLE_KEY, { input: { id: watcher.id } });
      expect(await socket.closed).toMatchObject({ code: 4403 });
    });

    it("closes the sockets of a key that may no longer list keys", async () => {
      const watcher = await createKey(tenant.admin, { scopes: ["keys:list"] });
      const socket = await live(watcher.secret);
      await subscribe(socket, "1");
      await tenant.admin.ok(UPDATE_KEY, { input: { id: watcher.id, scopes: ["keys:verify"] } });
      expect(await socket.closed).toMatchObject({ code: 4403 });
    });

    it("closes the sockets of a suspended tenant's keys", async () => {
      const suspended = await createTenant(sut.root);
      const socket = await live(suspended.adminKey);
      await subscribe(socket, "1");
      await sut.root.ok(`mutation ($input: SuspendTenantInput!) { suspendTenant(input: $input) { tenant { status } } }`, { input: { id: suspended.id } });
      expect(await socket.closed).toMatchObject({ code: 4403 });
    });

    it("leaves other credentials' sockets open", async () => {
      const watcher = await createKey(tenant.admin, { scopes: ["keys:list"] });
      const bystander = await live(tenant.adminKey);
      await subscribe(bystander, "1");
      const socket = await live(watcher.secret);
      await tenant.admin.ok(REVOKE_KEY, { input: { id: watcher.id } });
      await socket.closed;
      // The bystander still hears the revocation.
      expect((await bystander.nextFor("1")).payload.data.keyEvents).toMatchObject({ type: "KEY_REVOKED", keyId: watcher.id });
    });
  });
});

/** Two instances on one PostgreSQL: changes made on either reach subscribers of both. */
describe("live key events across two instances", () => {
  let database: ServerDatabase;
  let first: TestApp;
  let second: TestApp;
  let tenant: TenantFixture;
  beforeAll(async () => {
    database = await serverDatabase();
    const shared = { redisUrl: await requireRedis(), redisPrefix: `keysmith-test-${randomBytes(4).toString("hex")}` };
    first = await startTestApp({ database: database.target, config: shared, liveRecheckMs: NO_PERIODIC_RECHECK, events: { manual: true } });
    second = await startTestApp({ database: database.target, config: shared, liveRecheckMs: NO_PERIODIC_RECHECK, events: { manual: true } });
    tenant = await createTenant(first.root);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it("streams a change made on the other instance, once (PostgreSQL echoes each notice to its sender too)", async () => {
    const onFirst = await connectLive(first.app.url, tenant.adminKey);
    const onSecond = await connectLive(second.app.url, tenant.adminKey);
    onFirst.subscribe("1", KEY_EVENTS);
    onSecond.subscribe("1", KEY_EVENTS);
    await streamsOpen(first, 1);
    await streamsOpen(second, 1);
    const adminOnSecond = second.client.as(tenant.adminKey);
    const made = [await createKey(tenant.admin, { name: "made on first" }), await createKey(adminOnSecond, { name: "made on second" })];
    for (const socket of [onFirst, onSecond]) {
      const heard = [await socket.nextFor("1"), await socket.nextFor("1")].map((message) => message.payload.data.keyEvents.keyId);
      expect(heard).toEqual(made.map((key) => key.id));
    }
    onFirst.close();
    onSecond.close();
  });

  it("closes a socket on one instance when its key is revoked on the other", async () => {
    const watcher = await createKey(tenant.admin, { scopes: ["keys:list"] });
    const socket = await connectLive(second.app.url, watcher.secret);
    socket.subscribe("1", KEY_EVENTS);
    await tenant.admin.ok(REVOKE_KEY, { input: { id: watcher.id } });
    expect(await socket.closed).toMatchObject({ code: 4403 });
  });
});
