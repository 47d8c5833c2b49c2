import type { DataSource } from "typeorm";

/** Any constant: it only has to be the same for every Keysmith instance. */
const MIGRATION_LOCK_ID = 7_461_001;

/** Runs pending migrations, one instance at a time when several start together. Returns their names. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
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
