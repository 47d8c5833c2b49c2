import type { DataSource } from "typeorm";
import { lastRefillAt } from "../core/credits";
import type { CreditSource } from "../core/key-state";

export interface CreditSpend {
  /** False when fewer than `cost` credits remained: nothing was spent. */
  allowed: boolean;
  /** After this check; null when the key no longer has credits (removed since its state was cached). */
  remaining: number | null;
}

/** A refill is due when one has come (at `$3`, the latest refill time) since the count was last refilled or set. */
const REFILL_DUE = `(credits_refill_amount IS NOT NULL AND $3::timestamptz IS NOT NULL
                     AND (credits_refilled_at IS NULL OR credits_refilled_at < $3::timestamptz))`;
const AVAILABLE = `(CASE WHEN ${REFILL_DUE} THEN credits_refill_amount ELSE credits_remaining END)`;

/**
 * One statement spends a check's cost, applying a refill that fell due since the last one: the row
 * lock PostgreSQL takes for the UPDATE makes it exact under any concurrency, on every instance,
 * and it is durable once the check is answered. A refused spend writes nothing.
 */
const SPEND_SQL = `
  WITH spent AS (
    UPDATE api_keys
       SET credits_remaining = ${AVAILABLE} - $4,
           credits_refilled_at = CASE WHEN ${REFILL_DUE} THEN $3::timestamptz ELSE credits_refilled_at END
     WHERE tenant_id = $1 AND id = $2 AND credits_remaining IS NOT NULL AND ${AVAILABLE} >= $4
    RETURNING credits_remaining
  )
  SELECT credits_remaining::text AS remaining FROM spent`;

const AVAILABLE_SQL = `SELECT ${AVAILABLE}::text AS remaining FROM api_keys WHERE tenant_id = $1 AND id = $2 AND $4::bigint IS NOT NULL`;

/** Credits are spent in the database itself: no cache could be exact across instances. */
export class CreditLedger {
  constructor(private readonly dataSource: DataSource) {}

  async spend(tenantId: string, source: CreditSource, cost: number, now: number): Promise<CreditSpend> {
    const refilledBy = source.refill ? new Date(lastRefillAt(source.refill, now)) : null;
    const parameters = [tenantId, source.keyId, refilledBy, cost];
    const spent: Array<{ remaining: string }> = await this.dataSource.query(SPEND_SQL, parameters);
    if (spent.length > 0) return { allowed: true, remaining: Number(spent[0].remaining) };
    const [row]: Array<{ remaining: string | null }> = await this.dataSource.query(AVAILABLE_SQL, parameters);
    // Credits removed since the key's state was cached: the key no longer spends any.
    if (!row || row.remaining === null) return { allowed: true, remaining: null };
    return { allowed: false, remaining: Number(row.remaining) };
  }
}
