import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { lockDataDir } from "./data-dir-lock";

export interface EmbeddedPostgres {
  /** A postgres:// URL for the ordinary pg driver. */
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Where the data lives; undefined keeps it in memory (tests). */
  dataDir?: string;
  /** At least the pool size: the socket server's default of one connection deadlocks the pool. */
  maxConnections: number;
}

/**
 * Starts PGlite behind a PostgreSQL wire-protocol socket on a free loopback port (never 5432,
 * where a real server may run), so the application talks to it exactly as to a real server.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const release = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  try {
    // The contrib extensions the migrations create (key search is a trigram index per tenant).
    const db = await PGlite.create(options.dataDir ? path.join(options.dataDir, "pgdata") : undefined, { extensions: { pg_trgm, btree_gin } });
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: options.maxConnections });
    await server.start();
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    let closed = false;
    return {
      url,
      async close() {
        if (closed) return;
        closed = true;
        await server.stop();
        await db.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
