import "reflect-metadata";
import type { Config } from "jest";
import { createDataSource } from "../../src/db/data-source";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../src/db/embedded-postgres";
import { runMigrations } from "../../src/db/migrate";
import { EMBEDDED_URLS_VARIABLE } from "./test-database";

declare global {
  var keysmithTestDatabases: EmbeddedPostgres[] | undefined;
}

async function migrate(url: string, embedded: boolean): Promise<void> {
  // The migration lock holds one connection while migrations run on another; PGlite takes just one.
  const dataSource = createDataSource({ url, poolSize: embedded ? 1 : 2 });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource, { lock: !embedded });
  } finally {
    await dataSource.destroy();
  }
}

/** Migrates the real server once, or starts (and migrates) one in-memory PGlite per worker. */
export default async function globalSetup(config: Config): Promise<void> {
  if (process.env.DATABASE_URL) {
    await migrate(process.env.DATABASE_URL, false);
    return;
  }
  const workers = Math.max(1, Number(config.maxWorkers ?? 1));
  const databases = await Promise.all(
    Array.from({ length: workers }, () => startEmbeddedPostgres({ maxConnections: 40 })),
  );
  await Promise.all(databases.map((database) => migrate(database.url, true)));
  globalThis.keysmithTestDatabases = databases;
  process.env[EMBEDDED_URLS_VARIABLE] = JSON.stringify(databases.map((database) => database.url));
}
