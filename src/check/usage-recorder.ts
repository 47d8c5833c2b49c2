import type { DataSource } from "typeorm";
import { type CheckCode, VALID_KEY_CODES } from "../core/check-code";
import type { Logger } from "../common/logger";

interface PendingUse {
  tenantId: string;
  count: number;
  lastUsedAt: Date;
}

interface PendingCount {
  tenantId: string;
  keyId: string;
  hour: Date;
  code: CheckCode;
  count: number;
}

const HOUR_MS = 60 * 60 * 1000;

/** The hour a check falls in (UTC), its bucket in key_verifications. */
export const hourOf = (at: number): Date => new Date(Math.floor(at / HOUR_MS) * HOUR_MS);

/**
 * Usage, written behind the request path in batches: lastUsedAt and usageCount of keys used
 * (checks and authentications alike), and the checks of each key per hour by code. Every recorded
 * use is flushed, the first one included; a failed flush keeps its counts for the next attempt.
 */
export class UsageRecorder {
  private uses = new Map<string, PendingUse>();
  private counts = new Map<string, PendingCount>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly intervalMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** One verification of an authentic key; `counted` for checks (they appear in keyUsage and tenantUsage). */
  record(keyId: string, tenantId: string, code: CheckCode, counted: boolean): void {
    const at = this.now();
    if (VALID_KEY_CODES.has(code)) this.recordUse(keyId, tenantId, new Date(at));
    if (!counted) return;
    const hour = hourOf(at);
    const bucket = `${keyId}|${hour.getTime()}|${code}`;
    const pending = this.counts.get(bucket);
    if (pending) pending.count++;
    else this.counts.set(bucket, { tenantId, keyId, hour, code, count: 1 });
  }

  private recordUse(keyId: string, tenantId: string, at: Date): void {
    const entry = this.uses.get(keyId);
    if (entry) {
      entry.count++;
      entry.lastUsedAt = at;
    } else {
      this.uses.set(keyId, { tenantId, count: 1, lastUsedAt: at });
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
    if (this.uses.size === 0 && this.counts.size === 0) return;
    const uses = this.uses;
    const counts = this.counts;
    this.uses = new Map();
    this.counts = new Map();
    this.flushing = this.write(uses, counts).finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  private async write(uses: Map<string, PendingUse>, counts: Map<string, PendingCount>): Promise<void> {
    try {
      if (uses.size > 0) await this.writeUses(uses);
      uses.clear();
      if (counts.size > 0) await this.writeCounts(counts);
    } catch (error) {
      this.putBack(uses, counts);
      this.logger.warn({ err: error, keys: uses.size, buckets: counts.size }, "usage flush failed; will retry");
      throw error;
    }
  }

  private async writeUses(batch: Map<string, PendingUse>): Promise<void> {
    const entries = [...batch.values()];
    await this.dataSource.query(
      `UPDATE api_keys AS k
          SET usage_count = k.usage_count + u.count,
              last_used_at = GREATEST(COALESCE(k.last_used_at, u.used_at), u.used_at)
         FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[]) AS u(id, tenant_id, count, used_at)
        WHERE k.tenant_id = u.tenant_id AND k.id = u.id`,
      [[...batch.keys()], entries.map((e) => e.tenantId), entries.map((e) => e.count), entries.map((e) => e.lastUsedAt)],
    );
  }

  private async writeCounts(batch: Map<string, PendingCount>): Promise<void> {
    const entries = [...batch.values()];
    await this.dataSource.query(
      `INSERT INTO key_verifications (tenant_id, key_id, hour, code, count)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::bigint[])
       ON CONFLICT (tenant_id, key_id, hour, code) DO UPDATE SET count = key_verifications.count + excluded.count`,
      [entries.map((e) => e.tenantId), entries.map((e) => e.keyId), entries.map((e) => e.hour), entries.map((e) => e.code), entries.map((e) => e.count)],
    );
  }

  /** A failed flush's counts wait for the next one, added to what was recorded since. */
  private putBack(uses: Map<string, PendingUse>, counts: Map<string, PendingCount>): void {
    for (const [id, entry] of uses) {
      const newer = this.uses.get(id);
      if (newer) newer.count += entry.count;
      else this.uses.set(id, entry);
    }
    for (const [bucket, entry] of counts) {
      const newer = this.counts.get(bucket);
      if (newer) newer.count += entry.count;
      else this.counts.set(bucket, entry);
    }
  }
}
