import "reflect-metadata";
import { DataSource, type MixedList, type Logger as TypeOrmLogger } from "typeorm";
import { markAcquisitionFailure } from "../common/database-errors";

export interface DatabaseOptions {
  url: string;
  poolSize: number;
  /** The features' entities and the migrations, given by the composition root: db/ knows no feature. */
  entities?: MixedList<Function>;
  migrations?: MixedList<Function>;
  queryLog?: TypeOrmLogger;
  /** Cancels a statement running longer (default DATABASE_TIMEOUTS.statementMs). */
  statementTimeoutMs?: number;
  /** Gives up waiting for a connection after this long (default DATABASE_TIMEOUTS.connectMs). */
  connectTimeoutMs?: number;
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
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    synchronize: false,
    migrationsRun: false,
    logging: false,
    logger: options.queryLog,
    maxQueryExecutionTime: 1_000,
    applicationName: "keysmith",
    extra: {
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs ?? DATABASE_TIMEOUTS.connectMs,
      statement_timeout: options.statementTimeoutMs ?? DATABASE_TIMEOUTS.statementMs,
      idle_in_transaction_session_timeout: DATABASE_TIMEOUTS.idleInTransactionMs,
    },
  });
}

type PoolConnect = (callback: (error: Error | undefined, ...rest: unknown[]) => void) => void;

/**
 * Marks every error raised while acquiring a pooled connection (the driver's refusal, the pool's
 * timeout, the server's "not accepting connections") so the error classifier knows the database is
 * unavailable whatever the message. Called once the data source is initialised (its pool exists).
 */
export function markAcquisitionFailures(dataSource: DataSource): void {
  const pool = (dataSource.driver as unknown as { master?: { connect: PoolConnect } }).master;
  if (!pool) return;
  const connect = pool.connect.bind(pool);
  pool.connect = ((callback?: Parameters<PoolConnect>[0]) => {
    if (!callback) return (connect as unknown as () => Promise<unknown>)().catch((error: unknown) => Promise.reject(markAcquisitionFailure(error)));
    return connect((error, ...rest) => callback(error ? markAcquisitionFailure(error) : error, ...rest));
  }) as PoolConnect;
}
