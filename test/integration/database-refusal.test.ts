import { CHECK, backendOf } from "../support/checks";
import { createTenant } from "../support/factories";
import { unknownKey } from "../support/forged-keys";
import { LIST_KEYS, createKey } from "../support/key-operations";
import { type ServerDatabase, asAdmin, scratchDatabase } from "../support/local-services";
import { type TestApp, startTestApp } from "../support/test-app";

/**
 * A database that refuses new connections for a reason of its own (here ALLOW_CONNECTIONS false,
 * SQLSTATE 55000 "not currently accepting connections") is unavailable: decided by where the
 * error arises (acquiring a connection), not by its message.
 */
describe("a database refusing connections", () => {
  let database: ServerDatabase;
  let sut: TestApp;
  let name: string;
  beforeAll(async () => {
    database = await scratchDatabase();
    name = new URL(database.target.url).pathname.slice(1);
    sut = await startTestApp({ database: database.target });
  });
  afterAll(async () => {
    await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await sut?.close();
    await database?.drop();
  });

  it("answers SERVICE_UNAVAILABLE, never a 500, and recovers when it accepts again", async () => {
    const tenant = await createTenant(sut.root);
    const backend = await backendOf(tenant);
    await backend.ok(`{ me { keyId } }`);
    const unseen = await createKey(tenant.admin);

    await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await asAdmin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);

    const check = await backend.request(CHECK, { input: { key: unseen.secret } });
    expect(check.errors?.[0].extensions?.code).toBe("SERVICE_UNAVAILABLE");
    const unknown = await backend.request(CHECK, { input: { key: unknownKey(Date.now()) } });
    expect(unknown.errors?.[0].extensions?.code).toBe("SERVICE_UNAVAILABLE");
    const list = await tenant.admin.request(LIST_KEYS, {});
    expect(list.errors?.[0].extensions?.code).toBe("SERVICE_UNAVAILABLE");
    expect((await fetch(`${sut.app.url}/readyz`)).status).toBe(503);
    expect(sut.logs()).not.toMatch(/"level":50/);

    await asAdmin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    expect((await backend.ok(CHECK, { input: { key: unseen.secret } })).checkKey.code).toBe("VALID");
  });
});
