import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import type { Logger } from "../common/logger";
import { DeliveryStatus, type EventType, nextAttemptAt } from "../core/event-type";
import { signedHeaders } from "./signing";
import type { WebhookSender } from "./webhook-sender";
import { webhookBody } from "./webhook.types";

export interface DeliveryWorkerOptions {
  /** How often due deliveries are looked for (a change on this instance wakes the worker at once). */
  pollMs: number;
  /** Deliveries claimed at a time, and sent at once. */
  batchSize: number;
  /** How long a claim holds: longer than an attempt can take, so only a crashed claimant's lease runs out. */
  leaseMs: number;
}

export const DEFAULT_DELIVERY_WORKER: DeliveryWorkerOptions = { pollMs: 1_000, batchSize: 10, leaseMs: 60_000 };

interface Claimed {
  id: string;
  attempts: number;
  created_at: Date;
  event_id: string;
  type: EventType;
  tenant_id: string;
  data: Record<string, unknown>;
  occurred_at: Date;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

/**
 * Claims due deliveries with a lease (one committed statement; SKIP LOCKED keeps two instances off
 * the same row), then sends them outside any transaction. At most one per endpoint in a batch,
 * from the earliest due: an endpoint that answers slowly, or a tenant with a burst of events,
 * holds one slot, not all. `$1` the worker, `$2` now, `$3` the lease end, `$4` how many.
 */
const CLAIM_SQL = `
  WITH earliest AS (
    SELECT id, endpoint_id, next_attempt_at FROM webhook_deliveries
     WHERE status = 'PENDING' AND next_attempt_at <= $2 AND (lease_expires_at IS NULL OR lease_expires_at <= $2)
     ORDER BY next_attempt_at
     LIMIT $4 * 20
  ), one_each AS (
    SELECT DISTINCT ON (endpoint_id) id, next_attempt_at FROM earliest ORDER BY endpoint_id, next_attempt_at
  ), due AS (
    SELECT d.id FROM webhook_deliveries d JOIN one_each o ON o.id = d.id
     WHERE d.status = 'PENDING' AND (d.lease_expires_at IS NULL OR d.lease_expires_at <= $2)
     ORDER BY o.next_attempt_at
     LIMIT $4
       FOR UPDATE OF d SKIP LOCKED
  ), claimed AS (
    UPDATE webhook_deliveries AS d SET lease_owner = $1, lease_expires_at = $3
      FROM due WHERE d.id = due.id
    RETURNING d.id, d.attempts, d.created_at, d.event_id, d.endpoint_id
  )
  SELECT c.id, c.attempts, c.created_at, e.id AS event_id, e.type, e.tenant_id, e.data, e.occurred_at,
         w.url, w.secret, w.previous_secret, w.previous_secret_expires_at
    FROM claimed c JOIN events e ON e.id = c.event_id JOIN webhook_endpoints w ON w.id = c.endpoint_id`;

/** One attempt's outcome, written only while this worker still holds the lease. */
const RECORD_SQL = `
  WITH delivery AS (
    UPDATE webhook_deliveries
       SET attempts = $3, status = $4, next_attempt_at = $5, last_attempt_at = $6, last_status_code = $7, last_error = $8,
           delivered_at = CASE WHEN $4 = 'DELIVERED' THEN $6 ELSE delivered_at END, lease_owner = NULL, lease_expires_at = NULL
     WHERE id = $1 AND lease_owner = $2
    RETURNING id
  )
  INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms, worker)
  SELECT id, $3, $6, $7, $8, $9, $2 FROM delivery
  ON CONFLICT DO NOTHING`;

/**
 * The webhook worker of one instance: at least once, each attempt made by one instance (a crash
 * after sending and before recording may repeat an attempt, with the same webhook-id).
 */
export class DeliveryWorker {
  /** Names this worker's leases. */
  readonly id = `worker-${randomUUID()}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private again = false;
  /** Not started (tests drive it by hand), or stopped. */
  private stopped = true;
  /** Stopped: a drain in progress claims nothing more. */
  private halted = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sender: WebhookSender,
    private readonly logger: Logger,
    private readonly options: DeliveryWorkerOptions = DEFAULT_DELIVERY_WORKER,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.options.pollMs);
    this.timer.unref();
  }

  /** Finishes the attempts in flight; claims nothing more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** Looks for due deliveries now (after a change on this instance, or on the timer). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error }, "webhook deliveries could not be claimed; will retry"))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Claims and sends until nothing is due (or the worker stops); resolves when done (tests call it instead of waiting). */
  async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) return sent;
      await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
      sent += claimed.length;
      if (this.halted) return sent;
    }
  }

  private claim(): Promise<Claimed[]> {
    const now = this.now();
    return this.dataSource.query(CLAIM_SQL, [this.id, new Date(now), new Date(now + this.options.leaseMs), this.options.batchSize]);
  }

  private async attempt(delivery: Claimed): Promise<void> {
    const at = this.now();
    const body = JSON.stringify(webhookBody({ type: delivery.type, occurredAt: delivery.occurred_at, tenantId: delivery.tenant_id, data: delivery.data }));
    const overlapping = delivery.previous_secret && delivery.previous_secret_expires_at && delivery.previous_secret_expires_at.getTime() > at;
    const secrets = overlapping ? [delivery.secret, delivery.previous_secret!] : [delivery.secret];
    // Receivers check webhook-timestamp against their own clock: it is the wall clock's, whatever schedules the attempts.
    const signedAt = Math.floor(Date.now() / 1000);
    const result = await this.sender.send(delivery.url, signedHeaders(secrets, delivery.event_id, signedAt, body), body);
    const attempt = delivery.attempts + 1;
    const next = result.ok ? null : nextAttemptAt(delivery.created_at.getTime(), attempt, this.now());
    const status = result.ok ? DeliveryStatus.DELIVERED : next === null ? DeliveryStatus.FAILED : DeliveryStatus.PENDING;
    await this.dataSource.query(RECORD_SQL, [
      delivery.id,
      this.id,
      attempt,
      status,
      next === null ? null : new Date(next),
      new Date(at),
      result.statusCode,
      result.error,
      result.durationMs,
    ]);
  }
}
