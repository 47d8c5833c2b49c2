import type { DataSource } from "typeorm";
import { lastRefillAt } from "../core/credits";
import { EventType } from "../core/event-type";
import { ApiKeyStatus } from "../core/key-status";
import type { CreditSource } from "../core/key-state";
import type { InvalidationBus } from "../db/invalidation-bus";
import { keyEventKeySql } from "../events/key-event-data";
import { type EventOutbox, FAN_OUT_SQL } from "../events/outbox";

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
 * and it is durable once the check is answered. A refused spend writes nothing. The spend that
 * reaches 0 records CREDITS_EXHAUSTED, with its webhook deliveries, in the same statement.
 */
const SPEND_SQL = `
  WITH spent AS (
    UPDATE api_keys AS k
       SET credits_remaining = ${AVAILABLE} - $4,
           credits_refilled_at = CASE WHEN ${REFILL_DUE} THEN $3::timestamptz ELSE credits_refilled_at END
     WHERE k.tenant_id = $1 AND k.id = $2 AND k.credits_remaining IS NOT NULL AND ${AVAILABLE} >= $4
    RETURNING k.id, k.tenant_id, k.name, k.prefix, k.lookup_id, k.last4, k.enabled, k.external_id, k.identity_id,
              k.expires_at, k.revoked_at, k.credits_remaining
  ), event AS (
    INSERT INTO events (id, tenant_id, type, key_id, data, occurred_at)
    SELECT gen_random_uuid(), k.tenant_id, '${EventType.CREDITS_EXHAUSTED}', k.id, jsonb_build_object('key', ${keyEventKeySql(ApiKeyStatus.ACTIVE)}), $5::timestamptz
      FROM spent k
     WHERE k.credits_remaining = 0 AND $4::bigint > 0
    RETURNING id, tenant_id, type, occurred_at
  ), deliveries AS (${FAN_OUT_SQL()})
  SELECT k.credits_remaining::text AS remaining, (SELECT id::text FROM event) AS exhausted_event_id FROM spent k`;

const AVAILABLE_SQL = `SELECT ${AVAILABLE}::text AS remaining FROM api_keys WHERE tenant_id = $1 AND id = $2 AND $4::bigint IS NOT NULL`;

/** Credits are spent in the database itself: no cache could be exact across instances. */
export class CreditLedger {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: InvalidationBus,
    private readonly outbox: EventOutbox,
  ) {}

  async spend(tenantId: string, source: CreditSource, cost: number, now: number): Promise<CreditSpend> {
    const refilledBy = source.refill ? new Date(lastRefillAt(source.refill, now)) : null;
    const parameters = [tenantId, source.keyId, refilledBy, cost];
    const spent: Array<{ remaining: string; exhausted_event_id: string | null }> = await this.dataSource.query(SPEND_SQL, [...parameters, new Date(now)]);
    if (spent.length > 0) {
      if (spent[0].exhausted_event_id) this.announceExhausted(tenantId, source.keyId, spent[0].exhausted_event_id);
      return { allowed: true, remaining: Number(spent[0].remaining) };
    }
    const [row]: Array<{ remaining: string | null }> = await this.dataSource.query(AVAILABLE_SQL, parameters);
    // Credits removed since the key's state was cached: the key no longer spends any.
    if (!row || row.remaining === null) return { allowed: true, remaining: null };
    return { allowed: false, remaining: Number(row.remaining) };
  }

  /**
   * The event and its deliveries committed with the spend; live subscribers hear of it just after
   * (a crash in between loses the live notice, never the webhook).
   */
  private announceExhausted(tenantId: string, keyId: string, eventId: string): void {
    const notice = { kind: "event" as const, eventId, tenantId, type: EventType.CREDITS_EXHAUSTED, keyId };
    // Off the check's path: the answer does not wait for the notice.
    void this.bus.publish(this.dataSource.manager, notice).catch(() => undefined);
    this.bus.deliverLocally([notice]);
    this.outbox.wake();
  }
}
