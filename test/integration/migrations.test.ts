import { MIGRATIONS } from "../../migrations";
import { type Database, openDatabase } from "../../src/app/database";
import { runMigrations } from "../../src/db/migrate";
import { type ServerDatabase, scratchDatabase } from "../support/local-services";
import { testConfig } from "../support/test-app";

/** Every migration can be undone, in order, and applied again; and data survives the ones that move it. */
describe("migrations", () => {
  let scratch: ServerDatabase;
  let database: Database;
  beforeAll(async () => {
    scratch = await scratchDatabase();
    database = await openDatabase(testConfig(), { target: scratch.target, poolSize: 2 });
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  const undo = async (count: number) => {
    for (let step = 0; step < count; step++) await database.dataSource.undoLastMigration({ transaction: "each" });
  };
  const tables = async () =>
    (await database.dataSource.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1")).map(
      (row: { tablename: string }) => row.tablename,
    );
  const columnsOf = async (table: string) =>
    (await database.dataSource.query("SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY 1", [table])).map(
      (row: { column_name: string }) => row.column_name,
    );

  it("moves a key's single rate limit into the limit named default, and back", async () => {
    const namedRateLimits = MIGRATIONS.findIndex((migration) => migration.name === "NamedRateLimits1765000000001");
    await undo(MIGRATIONS.length - namedRateLimits);
    expect(await columnsOf("api_keys")).toEqual(expect.arrayContaining(["rate_limit", "rate_limit_window_seconds"]));
    await database.dataSource.query(`INSERT INTO tenants (id, name, slug, status, key_prefix, created_at, updated_at) VALUES ('00000000-0000-7000-8000-0000000000aa', 'T', 'migrated', 'ACTIVE', 'ks', now(), now())`);
    await database.dataSource.query(`
      INSERT INTO api_keys (id, tenant_id, name, prefix, lookup_id, secret_hash, last4, created_by, created_at, updated_at, rate_limit, rate_limit_window_seconds)
      VALUES ('00000000-0000-7000-8000-0000000000ab', '00000000-0000-7000-8000-0000000000aa', 'limited', 'ks', 'lookup-a', 'hash', 'abcd', 'test', now(), now(), 7, 60),
             ('00000000-0000-7000-8000-0000000000ac', '00000000-0000-7000-8000-0000000000aa', 'unlimited', 'ks', 'lookup-b', 'hash', 'abcd', 'test', now(), now(), NULL, NULL)`);

    await runMigrations(database.dataSource);
    const limits = await database.dataSource.query("SELECT name, rate_limits FROM api_keys WHERE tenant_id = '00000000-0000-7000-8000-0000000000aa' ORDER BY name");
    expect(limits).toEqual([
      { name: "limited", rate_limits: [{ name: "default", limit: 7, windowSeconds: 60, autoApply: true }] },
      { name: "unlimited", rate_limits: [] },
    ]);

    await undo(MIGRATIONS.length - namedRateLimits);
    expect(await database.dataSource.query("SELECT rate_limit, rate_limit_window_seconds FROM api_keys WHERE name = 'limited'")).toEqual([
      { rate_limit: 7, rate_limit_window_seconds: 60 },
    ]);
    await runMigrations(database.dataSource);
  });

  it("undoes every migration down to an empty database, and applies them all again", async () => {
    const before = await tables();
    expect(before).toEqual(expect.arrayContaining(["api_keys", "identities", "key_verifications"]));
    await undo(MIGRATIONS.length);
    expect(await tables()).toEqual([]);
    expect(await runMigrations(database.dataSource)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(await tables()).toEqual(before);
  });
});
