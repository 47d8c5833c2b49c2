import type { DataSource, EntityManager } from "typeorm";
import { creationChanges } from "../audit/audit-changes";
import { AuditAction } from "../audit/audit-event.entity";
import type { AuditService } from "../audit/audit.service";
import { auditedEdit } from "../audit/audited-edit";
import { badInput, conflict, notFound } from "../common/errors";
import { newId, requireUuid } from "../common/ids";
import type { OutboundPolicy } from "../common/outbound";
import { cursorDate, cursorId, decodeCursor, pageSize, toPage } from "../common/pagination";
import { trimmedOrNull } from "../common/validation";
import { type DeliveryStatus, EventType, SUBSCRIBABLE_EVENT_TYPES } from "../core/event-type";
import { type Transaction, type Transactions, insertRow } from "../db/transactions";
import type { EventOutbox } from "../events/outbox";
import type { Caller } from "../principals/principal";
import { newSigningSecret } from "./signing";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import { type CreateWebhookEndpointInput, MAX_ENDPOINTS_PER_TENANT, type UpdateWebhookEndpointInput } from "./webhook.inputs";
import { type WebhookDelivery, webhookBody } from "./webhook.types";
import { validateWebhookUrl } from "./webhook-url";

const AUDITED_FIELDS = ["url", "description", "events", "enabled"] as const;
/** After a rotation the old secret keeps signing beside the new one this long. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  type: EventType;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  tenant_id: string;
  data: Record<string, unknown>;
  occurred_at: Date;
  attempt_log: Array<{ attempt: number; at: string; statusCode: number | null; error: string | null; durationMs: number }>;
}

const DELIVERY_SQL = `
  SELECT d.id, d.endpoint_id, d.event_id, e.type, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status_code,
         d.last_error, d.delivered_at, d.created_at, e.tenant_id, e.data, e.occurred_at,
         COALESCE((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms)
                            ORDER BY a.attempt)
                     FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]') AS attempt_log
    FROM webhook_deliveries d JOIN events e ON e.id = d.event_id`;

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastAttemptAt: row.last_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    deliveredAt: row.delivered_at,
    createdAt: row.created_at,
    payload: webhookBody({ type: row.type, occurredAt: row.occurred_at, tenantId: row.tenant_id, data: row.data }),
    attemptLog: row.attempt_log.map((attempt) => ({ ...attempt, at: new Date(attempt.at) })),
  };
}

/** A tenant's webhook endpoints and their delivery log. Every read and change is scoped by tenant. */
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly outbox: EventOutbox,
    private readonly outbound: OutboundPolicy,
    /** The clock deliveries are scheduled by (the delivery worker's). */
    private readonly now: () => number = Date.now,
  ) {}

  /** The tenant an endpoint belongs to, for root acting by id; NOT_FOUND when there is none. */
  async tenantIdOfEndpoint(id: string): Promise<string> {
    const endpoint = await this.dataSource.getRepository(WebhookEndpoint).findOne({ select: { tenantId: true }, where: { id: requireUuid(id, "id") } });
    if (!endpoint) throw notFound("Webhook endpoint");
    return endpoint.tenantId;
  }

  async tenantIdOfDelivery(id: string): Promise<string> {
    const [row] = await this.dataSource.query("SELECT tenant_id FROM webhook_deliveries WHERE id = $1", [requireUuid(id, "deliveryId")]);
    if (!row) throw notFound("Webhook delivery");
    return row.tenant_id;
  }

  async list(tenantId: string, first?: number | null, after?: string | null) {
    const size = pageSize(first);
    const query = this.dataSource
      .getRepository(WebhookEndpoint)
      .createQueryBuilder("w")
      .where("w.tenant_id = :tenantId", { tenantId })
      .orderBy("w.created_at", "DESC")
      .addOrderBy("w.id", "DESC")
      .limit(size + 1);
    if (after) {
      const [createdAt, id] = decodeCursor(after, 2);
      query.andWhere("(w.created_at, w.id) < (:createdAt, :id)", { createdAt: cursorDate(createdAt), id: cursorId(id) });
    }
    return toPage(await query.getMany(), size, (row) => [row.createdAt.toISOString(), row.id]);
  }

  async create(tenantId: string, caller: Caller, input: CreateWebhookEndpointInput): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const now = new Date();
    const endpoint = Object.assign(new WebhookEndpoint(), {
      id: newId(now.getTime()),
      tenantId,
      url: validateWebhookUrl(input.url, this.outbound),
      description: trimmedOrNull(input.description),
      events: subscribable(input.events),
      enabled: true,
      secret: newSigningSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      createdAt: now,
      updatedAt: now,
    });
    return this.transactions.run(async (tx) => {
      // Locks the tenant's row: two creations cannot both pass the count.
      const [{ count }] = await tx.manager.query(
        "SELECT (SELECT count(*)::int FROM webhook_endpoints WHERE tenant_id = t.id) AS count FROM tenants t WHERE t.id = $1 FOR UPDATE",
        [tenantId],
      );
      if (count >= MAX_ENDPOINTS_PER_TENANT) throw conflict(`a tenant has at most ${MAX_ENDPOINTS_PER_TENANT} webhook endpoints`);
      await insertRow(tx.manager, WebhookEndpoint, endpoint);
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.WEBHOOK_ENDPOINT_CREATED,
        targetType: "WebhookEndpoint",
        targetId: endpoint.id,
        changes: creationChanges(endpoint, AUDITED_FIELDS),
      });
      return { endpoint, secret: endpoint.secret };
    });
  }

  async update(tenantId: string, caller: Caller, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
    const url = input.url === undefined || input.url === null ? undefined : validateWebhookUrl(input.url, this.outbound);
    const events = input.events ? subscribable(input.events) : undefined;
    return this.change(tenantId, caller, input.id, AuditAction.WEBHOOK_ENDPOINT_UPDATED, (endpoint) => {
      if (url !== undefined) endpoint.url = url;
      if (events !== undefined) endpoint.events = events;
      if (input.description !== undefined) endpoint.description = trimmedOrNull(input.description);
      if (input.enabled !== undefined && input.enabled !== null) endpoint.enabled = input.enabled;
    });
  }

  /** A new secret; the old one keeps signing beside it for 24 hours, so receivers can switch without a gap. */
  async rotateSecret(tenantId: string, caller: Caller, id: string): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const endpoint = await this.change(tenantId, caller, id, AuditAction.WEBHOOK_SECRET_ROTATED, (row) => {
      row.previousSecret = row.secret;
      row.previousSecretExpiresAt = new Date(this.now() + SECRET_OVERLAP_MS);
      row.secret = newSigningSecret();
    });
    return { endpoint, secret: endpoint.secret };
  }

  async delete(tenantId: string, caller: Caller, id: string): Promise<string> {
    const endpointId = requireUuid(id, "id");
    return this.transactions.run(async (tx) => {
      const endpoint = await lockEndpoint(tx.manager, tenantId, endpointId);
      await tx.manager.delete(WebhookEndpoint, { tenantId, id: endpointId });
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.WEBHOOK_ENDPOINT_DELETED,
        targetType: "WebhookEndpoint",
        targetId: endpointId,
        changes: Object.fromEntries(AUDITED_FIELDS.map((field) => [field, { before: endpoint[field], after: null }])),
      });
      return endpointId;
    });
  }

  /** A WEBHOOK_PING delivered to this endpoint only (enabled or not), through the outbox like every event. */
  async ping(tenantId: string, caller: Caller, id: string): Promise<WebhookDelivery> {
    const endpointId = requireUuid(id, "id");
    const eventId = await this.transactions.run(async (tx) => {
      await lockEndpoint(tx.manager, tenantId, endpointId);
      const pinged = await this.outbox.ping(tx, tenantId, endpointId);
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.WEBHOOK_PINGED,
        targetType: "WebhookEndpoint",
        targetId: endpointId,
        changes: { eventId: { before: null, after: pinged } },
      });
      return pinged;
    });
    return this.delivery(tenantId, "d.event_id = $2", eventId);
  }

  /** The endpoint's deliveries, newest first, each with its attempts. */
  async deliveries(tenantId: string, endpointId: string, first?: number | null, after?: string | null) {
    const id = requireUuid(endpointId, "endpointId");
    await this.get(tenantId, id);
    const size = pageSize(first);
    const parameters: unknown[] = [tenantId, id, size + 1];
    let continuation = "";
    if (after) {
      const [createdAt, deliveryId] = decodeCursor(after, 2);
      parameters.push(cursorDate(createdAt), cursorId(deliveryId));
      continuation = "AND (d.created_at, d.id) < ($4, $5)";
    }
    const rows: DeliveryRow[] = await this.dataSource.query(
      `${DELIVERY_SQL} WHERE d.tenant_id = $1 AND d.endpoint_id = $2 ${continuation} ORDER BY d.created_at DESC, d.id DESC LIMIT $3`,
      parameters,
    );
    return toPage(rows.map(toDelivery), size, (delivery) => [delivery.createdAt.toISOString(), delivery.id]);
  }

  /** The same event to the same endpoint again, as a new delivery (the same webhook-id), due now. */
  async redeliver(tenantId: string, caller: Caller, deliveryId: string): Promise<WebhookDelivery> {
    const id = requireUuid(deliveryId, "deliveryId");
    const newDeliveryId = await this.transactions.run(async (tx) => {
      const [original] = await tx.manager.query("SELECT endpoint_id, event_id FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2", [tenantId, id]);
      if (!original) throw notFound("Webhook delivery");
      const created = newId();
      const now = new Date(this.now());
      await tx.manager.query(
        `INSERT INTO webhook_deliveries (id, tenant_id, endpoint_id, event_id, status, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, 'PENDING', $5, $5)`,
        [created, tenantId, original.endpoint_id, original.event_id, now],
      );
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.WEBHOOK_REDELIVERED,
        targetType: "WebhookDelivery",
        targetId: id,
        changes: { redeliveryId: { before: null, after: created } },
      });
      tx.afterCommit(() => this.outbox.wake());
      return created;
    });
    return this.delivery(tenantId, "d.id = $2", newDeliveryId);
  }

  /** One delivery just written, with its event. */
  private async delivery(tenantId: string, where: string, value: string): Promise<WebhookDelivery> {
    const [row] = await this.dataSource.query(`${DELIVERY_SQL} WHERE d.tenant_id = $1 AND ${where}`, [tenantId, value]);
    if (!row) throw new Error("the delivery just written is missing");
    return toDelivery(row);
  }

  async get(tenantId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.dataSource.getRepository(WebhookEndpoint).findOneBy({ tenantId, id: requireUuid(id, "id") });
    if (!endpoint) throw notFound("Webhook endpoint");
    return endpoint;
  }

  private change(tenantId: string, caller: Caller, id: string, action: AuditAction, edit: (endpoint: WebhookEndpoint) => void): Promise<WebhookEndpoint> {
    const endpointId = requireUuid(id, "id");
    return this.transactions.run((tx: Transaction) =>
      auditedEdit(this.audit, tx, caller, {
        tenantId,
        action,
        targetType: "WebhookEndpoint",
        fields: AUDITED_FIELDS,
        lock: (manager) => lockEndpoint(manager, tenantId, endpointId),
        edit,
        save: async (manager, endpoint) => {
          endpoint.updatedAt = new Date();
          const { url, description, events, enabled, secret, previousSecret, previousSecretExpiresAt, updatedAt } = endpoint;
          await manager.update(WebhookEndpoint, { tenantId, id: endpoint.id }, { url, description, events, enabled, secret, previousSecret, previousSecretExpiresAt, updatedAt });
        },
      }),
    );
  }
}

async function lockEndpoint(manager: EntityManager, tenantId: string, id: string): Promise<WebhookEndpoint> {
  const endpoint = await manager.getRepository(WebhookEndpoint).findOne({ where: { tenantId, id }, lock: { mode: "pessimistic_write" } });
  if (!endpoint) throw notFound("Webhook endpoint");
  return endpoint;
}

/** Distinct subscribable types, in a stable order; WEBHOOK_PING is not one. */
function subscribable(events: readonly EventType[]): EventType[] {
  const index = events.findIndex((type) => !SUBSCRIBABLE_EVENT_TYPES.includes(type));
  if (index >= 0) throw badInput(`events[${index}]`, "is not an event type endpoints subscribe to");
  return SUBSCRIBABLE_EVENT_TYPES.filter((type) => events.includes(type));
}
