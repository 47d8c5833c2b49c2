import type { DataSource } from "typeorm";
import type { Logger } from "../common/logger";

interface PendingUsage {
  tenantId: string;
  count: number;
  lastUsedAt: Date;
}

/**
 * lastUsedAt and usageCount, written behind the request path in batches. Every recorded use is
 * flushed, the first one included; a failed flush keeps its counts for the next attempt.
 */
export class UsageRecorder {
  private pending = new Map<string, PendingUsage>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly intervalMs = 2_000,
  ) {}

  record(keyId: string, tenantId: string, at: Date = new Date()): void {
    const entry = this.pending.get(keyId);
    if (entry) {
      entry.count++;
      entry.lastUsedAt = at;
    } else {
      this.pending.set(keyId, { tenantId, count: 1, lastUsedAt: at });
    }
  }

  start(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes whatever is pending. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write(batch).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async write(batch: Map<string, PendingUsage>): Promise<void> {
    const ids = [...batch.keys()];
    const entries = [...batch.values()];
    try {
      await this.dataSource.query(
        `UPDATE api_keys AS k
            SET usage_count = k.usage_count + u.count,
                last_used_at = GREATEST(COALESCE(k.last_used_at, u.used_at), u.used_at)
           FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[]) AS u(id, tenant_id, count, used_at)
          WHERE k.tenant_id = u.tenant_id AND k.id = u.id`,
        [ids, entries.map((e) => e.tenantId), entries.map((e) => e.count), entries.map((e) => e.lastUsedAt)],
      );
    } catch (error) {
      for (const [id, entry] of batch) {
        const newer = this.pending.get(id);
        if (newer) {
          newer.count += entry.count;
        } else {
          this.pending.set(id, entry);
        }
      }
      this.logger.warn({ err: error, keys: ids.length }, "usage flush failed; will retry");
      throw error;
    }
  }
}
