import type { EntityManager } from "typeorm";
import type { Invalidation } from "../db/invalidation-bus";
import type { Transaction } from "../db/transactions";
import type { Caller } from "../principals/principal";
import { type Changes, diffChanges } from "./audit-changes";
import type { AuditAction } from "./audit-event.entity";
import type { AuditService } from "./audit.service";

export interface AuditedEdit<T extends { id: string; updatedAt: Date }> {
  /** The tenant whose log records the change. */
  tenantId: string;
  action: AuditAction;
  targetType: string;
  /** The fields whose before and after the event records. */
  fields: ReadonlyArray<keyof T & string>;
  /** SELECT ... FOR UPDATE (NOT_FOUND when there is none): every decision is made on the row as it is now. */
  lock(manager: EntityManager): Promise<T>;
  /** Changes the row in memory, or throws to refuse (nothing is written then). */
  edit(row: T, tx: Transaction): Promise<void> | void;
  save(manager: EntityManager, row: T): Promise<void>;
  /** What the change makes stale on every instance (nothing cached: none). */
  invalidation?(row: T): Invalidation;
  /** Recorded beside the changed fields (e.g. a grace period). */
  extraChanges?: Changes;
}

/**
 * The one lock-edit-audit sequence of every mutation of an existing row: lock it, apply the edit,
 * store it, record exactly one audit event of what changed, and invalidate, all in the caller's
 * transaction (a failed audit write rolls the change back).
 */
export async function auditedEdit<T extends { id: string; updatedAt: Date }>(
  audit: AuditService,
  tx: Transaction,
  caller: Caller,
  spec: AuditedEdit<T>,
): Promise<T> {
  const row = await spec.lock(tx.manager);
  const before = structuredClone({ ...row });
  await spec.edit(row, tx);
  row.updatedAt = new Date();
  await spec.save(tx.manager, row);
  await audit.record(tx.manager, caller, {
    tenantId: spec.tenantId,
    action: spec.action,
    targetType: spec.targetType,
    targetId: row.id,
    changes: { ...diffChanges(before as T, row, spec.fields), ...spec.extraChanges },
  });
  if (spec.invalidation) await tx.invalidate(spec.invalidation(row));
  return row;
}
