import type { DataSource } from "typeorm";
import type { Logger } from "../common/logger";

const HOUR_MS = 60 * 60 * 1000;

/** Deletes hourly counts older than the retention, at start and every hour (any instance may: the delete is idempotent). */
export class UsageRetention {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    readonly retentionDays: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    void this.prune();
    this.timer = setInterval(() => void this.prune(), HOUR_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Returns how many hourly counts it deleted. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.now() - this.retentionDays * 24 * HOUR_MS);
    try {
      const [, deleted]: [unknown, number] = await this.dataSource.query("DELETE FROM key_verifications WHERE hour < $1", [cutoff]);
      return deleted;
    } catch (error) {
      this.logger.warn({ err: error }, "usage retention failed; will retry within the hour");
      return 0;
    }
  }
}
