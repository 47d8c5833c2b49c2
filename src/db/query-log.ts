import type { Logger as TypeOrmLogger } from "typeorm";
import type { Logger } from "../common/logger";
import { currentWork } from "../common/request-work";

/**
 * TypeORM's logger: counts every statement sent (metrics, and the proof in tests that a path runs
 * none) and reports failed and slow ones without their parameters, which may hold hashes.
 */
export class QueryLog implements TypeOrmLogger {
  queries = 0;

  constructor(private readonly logger: Logger) {}

  logQuery(): void {
    this.queries++;
    const work = currentWork();
    if (work) work.queries++;
  }

  logQueryError(error: string | Error, query: string): void {
    this.logger.debug({ err: typeof error === "string" ? { message: error } : error, query: query.slice(0, 200) }, "query failed");
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ ms: time, query: query.slice(0, 200) }, "slow query");
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.debug({ migration: message }, "migration");
  }

  log(level: "log" | "info" | "warn", message: unknown): void {
    if (level === "warn") this.logger.warn({ typeorm: String(message) }, "database warning");
  }
}
