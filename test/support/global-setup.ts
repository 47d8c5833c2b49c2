import "reflect-metadata";
import type { Config } from "jest";
import { openDatabase } from "../../src/app/database";
import { loadConfig } from "../../src/app/config";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../src/db/embedded-postgres";
import { EMBEDDED_URLS_VARIABLE } from "./test-database";

declare global {
  var keysmithTestDatabases: EmbeddedPostgres[] | undefined;
}

async function migrate(url: string, embedded: boolean): Promise<void> {
  // The migration lock holds one connection while migrations run on another; PGlite takes just one.
  const database = await openDatabase(loadConfig({ NODE_ENV: "test" }), { target: { url, embedded }, poolSize: 2 });
  await database.close();
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
