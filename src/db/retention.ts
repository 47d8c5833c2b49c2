import type { DataSource } from "typeorm";
import type { Logger } from "../common/logger";

const HOUR_MS = 60 * 60 * 1000;

export interface RetainedRows {
  /** What the log calls them. */
  name: string;
  /** Deletes the rows older than `$1`. */
  deleteOlderThan: string;
  retentionDays: number;
}

/** Deletes rows older than their retention, at start and every hour (any instance may: the delete is idempotent). */
export class Retention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    readonly rows: RetainedRows,
    private readonly now: () => number = Date.now,
  ) {}

  get retentionDays(): number {
    return this.rows.retentionDays;
  }

  start(): void {
    void this.prune();
    this.timer = setInterval(() => void this.prune(), HOUR_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Returns how many rows it deleted. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.now() - this.rows.retentionDays * 24 * HOUR_MS);
    try {
      const [, deleted]: [unknown, number] = await this.dataSource.query(this.rows.deleteOlderThan, [cutoff]);
      return deleted;
    } catch (error) {
      this.logger.warn({ err: error, rows: this.rows.name }, "retention failed; will retry within the hour");
      return 0;
    }
  }
}
