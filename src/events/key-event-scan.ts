import type { Logger } from "../common/logger";
import { EventType } from "../core/event-type";
import { ApiKeyStatus } from "../core/key-status";
import type { Transactions } from "../db/transactions";
import { keyEventKeySql } from "./key-event-data";
import { type EventOutbox, FAN_OUT_SQL } from "./outbox";

/** Any number fits: it only names the lock every instance's scan takes. */
const SCAN_LOCK = 0x6b657973; // "keys"

export interface KeyEventScanOptions {
  intervalMs: number;
  /** Keys told about per statement; a pass repeats until fewer are due. */
  batchSize: number;
}

export const DEFAULT_KEY_EVENT_SCAN: KeyEventScanOptions = { intervalMs: 60_000, batchSize: 200 };

/**
 * What the scan tells about, each a statement that marks the keys it found and writes their events
 * and deliveries together. `$1` now, `$2` the batch size. `due` finds the keys not marked yet (the
 * partial indexes hold only those); `news` is what makes one worth an event: a key revoked before
 * it expired hears of neither, and is marked all the same, so no key is read twice. A mark is
 * cleared only when the key's expiry changes.
 */
const FINDINGS: ReadonlyArray<{ type: EventType; status: ApiKeyStatus; due: string; order: string; news: string; mark: string }> = [
  {
    type: EventType.KEY_EXPIRING_SOON,
    status: ApiKeyStatus.ACTIVE,
    due: `SELECT k.id FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
           WHERE k.expires_at IS NOT NULL AND k.expiry_notified_at IS NULL AND k.expiring_soon_notified_at IS NULL
             AND k.expires_at <= $1::timestamptz + (SELECT max(expiring_soon_days) FROM tenants) * interval '1 day'
             AND k.expires_at <= $1::timestamptz + t.expiring_soon_days * interval '1 day'`,
    order: "k.expires_at",
    news: "k.expires_at > $1 AND (k.revoked_at IS NULL OR k.revoked_at > $1)",
    mark: "expiring_soon_notified_at",
  },
  {
    type: EventType.KEY_EXPIRED,
    status: ApiKeyStatus.EXPIRED,
    due: "SELECT k.id FROM api_keys k WHERE k.expires_at IS NOT NULL AND k.expiry_notified_at IS NULL AND k.expires_at <= $1",
    order: "k.expires_at",
    news: "k.revoked_at IS NULL OR k.revoked_at > k.expires_at",
    mark: "expiry_notified_at",
  },
  {
    type: EventType.KEY_REVOKED,
    status: ApiKeyStatus.REVOKED,
    due: "SELECT k.id FROM api_keys k WHERE k.revoked_at IS NOT NULL AND k.revocation_notified_at IS NULL AND k.revoked_at <= $1",
    order: "k.revoked_at",
    news: "k.expires_at IS NULL OR k.expires_at > k.revoked_at",
    mark: "revocation_notified_at",
  },
];

/** In the order of the finding's partial index, so a batch reads only the rows it takes. */
const findingSql = ({ type, status, due, order, news, mark }: (typeof FINDINGS)[number]) => `
  WITH due AS (${due} ORDER BY ${order} LIMIT $2 FOR UPDATE OF k SKIP LOCKED),
  marked AS (
    UPDATE api_keys AS k SET ${mark} = $1 FROM due WHERE k.id = due.id
    RETURNING k.*
  ), event AS (
    INSERT INTO events (id, tenant_id, type, key_id, data, occurred_at)
    SELECT gen_random_uuid(), k.tenant_id, '${type}', k.id, jsonb_build_object('key', ${keyEventKeySql(status)}), $1
      FROM marked k
     WHERE ${news}
    RETURNING id, tenant_id, type, key_id, occurred_at
  ), deliveries AS (${FAN_OUT_SQL()})
  SELECT (SELECT count(*)::int FROM marked) AS marked,
         COALESCE((SELECT jsonb_agg(jsonb_build_object('id', id, 'tenantId', tenant_id, 'type', type, 'keyId', key_id)) FROM event), '[]') AS events`;

const FINDING_SQL = FINDINGS.map(findingSql);

/**
 * Finds the key events no request causes: expiry coming near, expiry passing, a scheduled
 * revocation taking effect. One instance at a time scans (a transaction-scoped advisory lock), with
 * no job per key: the partial indexes hold only keys not told about yet.
 */
export class KeyEventScan {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  /** Stopped: a scan in progress starts no other batch. */
  private halted = false;

  constructor(
    private readonly transactions: Transactions,
    private readonly outbox: EventOutbox,
    private readonly logger: Logger,
    private readonly options: KeyEventScanOptions = DEFAULT_KEY_EVENT_SCAN,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    const tick = () => {
      this.running ??= this.scan()
        .catch((error: unknown) => this.logger.warn({ err: error }, "the key event scan failed; will retry"))
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.halted = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: returns how many events it recorded (0 as well when another instance holds the scan). */
  async scan(): Promise<number> {
    let recorded = 0;
    for (const sql of FINDING_SQL) {
      for (;;) {
        const batch = this.halted ? null : await this.batch(sql);
        if (batch === null) return recorded;
        recorded += batch.recorded;
        if (batch.marked < this.options.batchSize) break;
      }
    }
    return recorded;
  }

  /** One batch in one transaction: how many keys it marked and events it recorded, or null when another instance is scanning. */
  private batch(sql: string): Promise<{ marked: number; recorded: number } | null> {
    return this.transactions.run(async (tx) => {
      const [{ locked }] = await tx.manager.query("SELECT pg_try_advisory_xact_lock($1) AS locked", [SCAN_LOCK]);
      if (!locked) return null;
      const [{ marked, events }]: Array<{ marked: number; events: Array<{ id: string; tenantId: string; type: EventType; keyId: string }> }> =
        await tx.manager.query(sql, [new Date(this.now()), this.options.batchSize]);
      for (const event of events) await tx.announce(event);
      if (events.length > 0) tx.afterCommit(() => this.outbox.wake());
      return { marked, recorded: events.length };
    });
  }
}
