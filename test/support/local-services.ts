import net from "node:net";
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import type { DatabaseTarget } from "../../src/app/database";
import { testDatabase } from "./test-database";

/**
 * Redis and a PostgreSQL server run on every machine this project is developed and tested on
 * (.ci/run starts them when they are down). A test that needs one runs against it: when it is
 * missing the test fails and says how to start it, it never passes with a warning.
 */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const START_REDIS = "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no";
const START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || defaultPort), timeout: 2_000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** The local Redis URL; throws, saying how to start it, when nothing listens there. */
export async function requireRedis(): Promise<string> {
  if (!(await reachable(REDIS_URL, 6379))) throw new Error(`Redis is not reachable at ${REDIS_URL}; start it with: ${START_REDIS}`);
  return REDIS_URL;
}

export interface ServerDatabase {
  target: DatabaseTarget;
  /** Drops the scratch database (a no-op on DATABASE_URL, which the run owns). */
  drop(): Promise<void>;
}

/**
 * A PostgreSQL server database for tests that need what the embedded one cannot give (NOTIFY
 * between connections, several processes): DATABASE_URL when the suite runs on a server,
 * otherwise a scratch database of its own on the local server, dropped afterwards.
 */
export async function serverDatabase(): Promise<ServerDatabase> {
  if (process.env.DATABASE_URL) return { target: { url: process.env.DATABASE_URL, embedded: false }, drop: async () => undefined };
  return scratchDatabase();
}

/** A database of the test's own on the local server, whatever the run uses, for tests that change the database itself. */
export async function scratchDatabase(): Promise<ServerDatabase> {
  if (!(await reachable(POSTGRES_ADMIN_URL, 5432))) {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL}; start it with: ${START_POSTGRES} (or set TEST_POSTGRES_URL)`);
  }
  const name = `keysmith_test_${randomBytes(6).toString("hex")}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    target: { url: url.toString(), embedded: false },
    drop: () => withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

async function withAdmin(work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** Runs one statement as the local server's superuser (altering or dropping a scratch database). */
export function asAdmin(sql: string, parameters: unknown[] = []): Promise<void> {
  return withAdmin((admin) => admin.query(sql, parameters));
}

/**
 * A database no other test file's instances work on at the same time: the jest worker's embedded
 * one, or a scratch database on the server (every file shares DATABASE_URL, and another file's
 * webhook worker would claim this file's deliveries).
 */
export async function unsharedDatabase(): Promise<ServerDatabase> {
  if (!process.env.DATABASE_URL) return { target: testDatabase(), drop: async () => undefined };
  return scratchDatabase();
}
