import "reflect-metadata";
import { DataSource, type Logger as TypeOrmLogger } from "typeorm";
import { MIGRATIONS } from "../../migrations";
import { AuditEvent } from "../audit/audit-event.entity";
import { ApiKey } from "../keys/api-key.entity";
import { KeySubscription } from "../keys/key-subscription.entity";
import { PermissionGrant } from "../keys/permission-grant.entity";
import { ScopeNamespace } from "../scopes/scope-namespace.entity";
import { Subscription } from "../subscriptions/subscription.entity";
import { Tenant } from "../tenants/tenant.entity";

export const ENTITIES = [Tenant, Subscription, ApiKey, PermissionGrant, KeySubscription, ScopeNamespace, AuditEvent];

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  queryLog?: TypeOrmLogger;
}

/** Bounds that keep a stuck query or an abandoned transaction from holding the pool. */
export const DATABASE_TIMEOUTS = {
  connectMs: 5_000,
  statementMs: 10_000,
  idleInTransactionMs: 10_000,
};

export function createDataSource(options: DatabaseOptions): DataSource {
  return new DataSource({
    type: "postgres",
    url: options.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    logger: options.queryLog,
    maxQueryExecutionTime: 1_000,
    applicationName: "keysmith",
    extra: {
      max: options.poolSize,
      connectionTimeoutMillis: DATABASE_TIMEOUTS.connectMs,
      statement_timeout: DATABASE_TIMEOUTS.statementMs,
      idle_in_transaction_session_timeout: DATABASE_TIMEOUTS.idleInTransactionMs,
    },
  });
}
