import type { DataSource } from "typeorm";
import { notFound } from "../common/errors";
import { requireUuid } from "../common/ids";
import { type CheckCode, VALID_KEY_CODES } from "../core/check-code";
import { type UsageRange, validateUsageRange } from "./usage-range";
import { UsageGranularity, type UsageBucket } from "./usage.types";

const TRUNC: Record<UsageGranularity, string> = { [UsageGranularity.HOUR]: "hour", [UsageGranularity.DAY]: "day" };

/**
 * Every bucket of the range (empty ones too, so a chart needs no gaps filled), with the counts of
 * the checks in it by code. `$4` is the key, or null for the whole tenant.
 */
const usageSql = (perKey: boolean) => `
  WITH buckets AS (
    SELECT generate_series(
             date_trunc($1, $2::timestamptz AT TIME ZONE 'UTC'),
             ($3::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond',
             ('1 ' || $1)::interval) AS at
  ), counted AS (
    SELECT date_trunc($1, v.hour AT TIME ZONE 'UTC') AS at, v.code, sum(v.count)::text AS count
      FROM key_verifications v
     WHERE v.tenant_id = $5 ${perKey ? "AND v.key_id = $4" : "AND $4::uuid IS NULL"}
       AND v.hour >= date_trunc($1, $2::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AND v.hour < $3
     GROUP BY 1, 2
  )
  SELECT b.at AT TIME ZONE 'UTC' AS at, c.code, c.count
    FROM buckets b LEFT JOIN counted c ON c.at = b.at
   ORDER BY b.at, c.code`;

interface UsageRow {
  at: Date;
  code: CheckCode | null;
  count: string | null;
}

/** Checks over time, from the hourly counts the usage recorder writes behind. */
export class UsageService {
  constructor(private readonly dataSource: DataSource) {}

  /** One key's checks; another tenant's key is NOT_FOUND. */
  async keyUsage(tenantId: string, keyId: string, range: UsageRange): Promise<UsageBucket[]> {
    const id = requireUuid(keyId, "keyId");
    const [key] = await this.dataSource.query("SELECT 1 FROM api_keys WHERE tenant_id = $1 AND id = $2", [tenantId, id]);
    if (!key) throw notFound("API key");
    return this.buckets(tenantId, id, range);
  }

  /** Every key of the tenant together. */
  tenantUsage(tenantId: string, range: UsageRange): Promise<UsageBucket[]> {
    return this.buckets(tenantId, null, range);
  }

  private async buckets(tenantId: string, keyId: string | null, range: UsageRange): Promise<UsageBucket[]> {
    const { since, until, granularity } = validateUsageRange(range);
    const rows: UsageRow[] = await this.dataSource.query(usageSql(keyId !== null), [TRUNC[granularity], since, until, keyId, tenantId]);
    const buckets = new Map<number, UsageBucket>();
    for (const row of rows) {
      const at = new Date(row.at);
      let bucket = buckets.get(at.getTime());
      if (!bucket) buckets.set(at.getTime(), (bucket = { at, total: 0, valid: 0, codes: [] }));
      if (row.code === null || row.count === null) continue;
      const count = Number(row.count);
      bucket.codes.push({ code: row.code, count });
      bucket.total += count;
      if (VALID_KEY_CODES.has(row.code)) bucket.valid += count;
    }
    return [...buckets.values()];
  }
}
