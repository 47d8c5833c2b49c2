import type { DataSource, Logger as TypeOrmLogger } from "typeorm";
import { MIGRATIONS } from "../../migrations";
import { AuditEvent } from "../audit/audit-event.entity";
import { WebhookEndpoint } from "../webhooks/webhook-endpoint.entity";
import { Identity } from "../identities/identity.entity";
import type { Config } from "./config";
import { createDataSource, markAcquisitionFailures } from "../db/data-source";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../db/embedded-postgres";
import { runMigrations } from "../db/migrate";
import { ApiKey } from "../keys/api-key.entity";
import { KeySubscription } from "../keys/key-subscription.entity";
import { PermissionGrant } from "../keys/permission-grant.entity";
import { ScopeNamespace } from "../scopes/scope-namespace.entity";
import { Subscription } from "../subscriptions/subscription.entity";
import { Tenant } from "../tenants/tenant.entity";

/** Every feature's entities: the data source is given them here, so db/ knows no feature. */
export const ENTITIES = [Tenant, Subscription, ApiKey, PermissionGrant, KeySubscription, ScopeNamespace, AuditEvent, Identity, WebhookEndpoint];

export interface DatabaseTarget {
  url: string;
  /** PGlite behind its socket server: one connection, and invalidations delivered in process. */
  embedded: boolean;
}

/**
 * pglite-socket multiplexes connections onto one PGlite session message by message, so the
 * extended-protocol messages (Parse, Bind, Execute) of two connections can interleave and one
 * query run another's statement. PGlite executes one statement at a time anyway: one connection
 * loses nothing and rules the interleaving out.
 */
export const EMBEDDED_POOL_SIZE = 1;

export interface Database {
  dataSource: DataSource;
  target: DatabaseTarget;
  /** Migrations this opening applied. */
  applied: string[];
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A database someone else started (tests); otherwise config decides: DATABASE_URL, or PGlite under DATA_DIR. */
  target?: DatabaseTarget;
  /** Connections to a real server (the embedded database always gets one). */
  poolSize?: number;
  queryLog?: TypeOrmLogger;
}

/** Opens the database (starting the embedded one when DATABASE_URL is unset) and applies pending migrations. */
export async function openDatabase(config: Config, options: OpenDatabaseOptions = {}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let target = options.target ?? (config.databaseUrl ? { url: config.databaseUrl, embedded: false } : undefined);
  if (!target) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, maxConnections: EMBEDDED_POOL_SIZE + 2 });
    target = { url: embedded.url, embedded: true };
  }
  const dataSource = createDataSource({
    url: target.url,
    poolSize: target.embedded ? EMBEDDED_POOL_SIZE : (options.poolSize ?? config.dbPoolSize),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    queryLog: options.queryLog,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    connectTimeoutMs: config.dbConnectTimeoutMs,
  });
  const close = async () => {
    await dataSource.destroy().catch(() => undefined);
    await embedded?.close();
  };
  try {
    await dataSource.initialize();
    markAcquisitionFailures(dataSource);
    const applied = await runMigrations(dataSource, { lock: !target.embedded });
    return { dataSource, target, applied, close };
  } catch (error) {
    await close();
    throw error;
  }
}
