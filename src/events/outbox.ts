import type { EntityManager } from "typeorm";
import { newId } from "../common/ids";
import { EventType } from "../core/event-type";
import type { Transaction } from "../db/transactions";

export interface NewEvent {
  tenantId: string;
  type: EventType;
  keyId: string | null;
  /** What happened, for receivers: never a secret. */
  data: Record<string, unknown>;
}

const SUBSCRIBED = "w.enabled AND e.type = ANY (w.events)";

/**
 * One delivery per endpoint of the tenant that `endpoints` selects: by default the enabled ones
 * subscribed to the event's type (a ping names its one endpoint, `$7`, whatever it subscribed to
 * and even disabled). `event` is a CTE of the inserted event rows.
 */
export const FAN_OUT_SQL = (endpoints = SUBSCRIBED) => `
  INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, status, next_attempt_at, created_at)
  SELECT gen_random_uuid(), e.tenant_id, w.id, e.id, 'PENDING', e.occurred_at, e.occurred_at
    FROM event e JOIN webhook_endpoints w ON w.tenant_id = e.tenant_id AND ${endpoints}`;

const RECORD_SQL = (toOneEndpoint: boolean) => `
  WITH event AS (
    INSERT INTO events (id, tenant_id, type, key_id, data, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)
    RETURNING id, tenant_id, type, occurred_at
  )
  ${FAN_OUT_SQL(toOneEndpoint ? "w.id = $7" : SUBSCRIBED)}`;

/**
 * The outbox: events written in the transaction of the change they record, with their webhook
 * deliveries, and announced to every instance's live subscribers once (and only if) it commits.
 */
export class EventOutbox {
  /** Called after the deliveries of a committed change were written: the local worker may start at once. */
  private readonly wakers: Array<() => void> = [];

  constructor(private readonly now: () => number = Date.now) {}

  onRecorded(wake: () => void): void {
    this.wakers.push(wake);
  }

  async record(tx: Transaction, event: NewEvent): Promise<string> {
    const id = await insertEvent(tx.manager, this.now(), event);
    await tx.announce({ id, tenantId: event.tenantId, type: event.type, keyId: event.keyId });
    tx.afterCommit(() => this.wake());
    return id;
  }

  /** pingWebhookEndpoint: a test event delivered to that endpoint only, never announced. */
  async ping(tx: Transaction, tenantId: string, endpointId: string): Promise<string> {
    const id = await insertEvent(tx.manager, this.now(), { tenantId, type: EventType.WEBHOOK_PING, keyId: null, data: { endpointId } }, endpointId);
    tx.afterCommit(() => this.wake());
    return id;
  }

  wake(): void {
    for (const wake of this.wakers) wake();
  }
}

async function insertEvent(manager: EntityManager, now: number, event: NewEvent, onlyEndpointId?: string): Promise<string> {
  const id = newId(now);
  const parameters = [id, event.tenantId, event.type, event.keyId, event.data, new Date(now)];
  await manager.query(RECORD_SQL(onlyEndpointId !== undefined), onlyEndpointId === undefined ? parameters : [...parameters, onlyEndpointId]);
  return id;
}
