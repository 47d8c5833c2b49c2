import type { DataSource } from "typeorm";

/** Any constant: it only has to be the same for every Keysmith instance. */
const MIGRATION_LOCK_ID = 7_461_001;

/**
 * Runs pending migrations and returns their names. With `lock`, instances starting together on one
 * server take turns (an advisory lock on a second connection); the embedded database serves one
 * process through one connection, so it needs none.
 */
export async function runMigrations(dataSource: DataSource, options: { lock: boolean } = { lock: true }): Promise<string[]> {
  if (!options.lock) return (await dataSource.runMigrations({ transaction: "each" })).map((migration) => migration.name);
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: "each" });
    return applied.map((migration) => migration.name);
  } finally {
    await lockRunner.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lockRunner.release();
  }
}
