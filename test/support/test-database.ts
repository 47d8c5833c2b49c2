/**
 * Which PostgreSQL the tests use: the server at DATABASE_URL when it is set (CI runs both ways),
 * otherwise one embedded PGlite per jest worker, started by the global setup.
 */
import type { DatabaseTarget } from "../../src/app/database";

export const EMBEDDED_URLS_VARIABLE = "KEYSMITH_TEST_EMBEDDED_URLS";

export type TestDatabase = DatabaseTarget;

export function testDatabase(): TestDatabase {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, embedded: false };
  const urls: string[] = JSON.parse(process.env[EMBEDDED_URLS_VARIABLE] ?? "[]");
  const worker = Number(process.env.JEST_WORKER_ID ?? "1");
  const url = urls[(worker - 1) % urls.length];
  if (!url) throw new Error("no embedded test database: run the tests through jest (its global setup starts them)");
  return { url, embedded: true };
}
