import type { DataSource, EntityManager } from "typeorm";
import type { Caller } from "../principals/principal";
import { newId } from "../common/ids";
import { cursorDate, cursorId, decodeCursor, pageSize, toPage } from "../common/pagination";
import { insertRow } from "../db/transactions";
import type { Logger } from "../common/logger";
import type { Changes } from "./audit-changes";
import { type AuditAction, AuditEvent, AuditOutcome } from "./audit-event.entity";

export interface AuditEntry {
  /** The tenant the change concerns: its log is where the event appears. */
  tenantId: string;
  action: AuditAction;
  targetType: string;
  targetId: string | null;
  changes?: Changes;
}

export interface AuditFilter {
  action?: AuditAction;
  targetId?: string;
  actorId?: string;
  since?: Date;
  until?: Date;
}

/** The one place that writes audit events. Events never carry a secret or a hash. */
export class AuditService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {}

  /** Records a successful change inside its transaction: if this write fails, the change rolls back. */
  async record(manager: EntityManager, caller: Caller, entry: AuditEntry): Promise<void> {
    await insertRow(manager, AuditEvent, this.event(caller, entry, AuditOutcome.SUCCESS));
  }

  /** Records a refused attempt in a transaction of its own; a failure to record is logged, the refusal stands. */
  async recordDenied(caller: Caller, entry: AuditEntry): Promise<void> {
    try {
      await this.dataSource.transaction((manager) => insertRow(manager, AuditEvent, this.event(caller, entry, AuditOutcome.DENIED)));
    } catch (error) {
      this.logger.error({ err: error, action: entry.action }, "could not record a denied attempt");
    }
  }

  async list(tenantId: string, filter: AuditFilter, first?: number | null, after?: string | null) {
    const size = pageSize(first);
    const query = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder("event")
      .where("event.tenant_id = :tenantId", { tenantId })
      .orderBy("event.at", "DESC")
      .addOrderBy("event.id", "DESC")
      .limit(size + 1);
    if (filter.action) query.andWhere("event.action = :action", { action: filter.action });
    if (filter.targetId) query.andWhere("event.target_id = :targetId", { targetId: filter.targetId });
    if (filter.actorId) query.andWhere("event.actor_id = :actorId", { actorId: filter.actorId });
    if (filter.since) query.andWhere("event.at >= :since", { since: filter.since });
    if (filter.until) query.andWhere("event.at < :until", { until: filter.until });
    if (after) {
      const [at, id] = decodeCursor(after, 2);
      query.andWhere("(event.at, event.id) < (:cursorAt, :cursorId)", { cursorAt: cursorDate(at), cursorId: cursorId(id) });
    }
    const rows = await query.getMany();
    return toPage(rows, size, (event) => [event.at.toISOString(), event.id]);
  }

  private event(caller: Caller, entry: AuditEntry, outcome: AuditOutcome): AuditEvent {
    const { principal, request } = caller;
    return Object.assign(new AuditEvent(), {
      id: newId(),
      tenantId: entry.tenantId,
      at: new Date(),
      actorKind: principal.actor.kind,
      actorId: principal.actor.id,
      actorLabel: principal.actor.label,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      outcome,
      requestId: request.requestId,
      ip: request.ip,
      userAgent: request.userAgent,
      changes: entry.changes ?? null,
    });
  }
}
