import type { DataSource, EntityManager } from "typeorm";
import { diffChanges } from "../audit/audit-changes";
import { AuditAction } from "../audit/audit-event.entity";
import type { AuditService } from "../audit/audit.service";
import type { Caller } from "../principals/principal";
import { EVERY_ENTRY, type InvalidationBus, keepCoherent } from "../db/invalidation-bus";
import { badInput, conflict } from "../common/errors";
import { GuardedCache } from "../common/guarded-cache";
import { newId } from "../common/ids";
import { isUniqueViolation } from "../common/database-errors";
import type { Transactions } from "../db/transactions";
import { PLATFORM_TENANT_ID } from "../core/tenancy";
import type { CatalogView } from "../core/scope-evaluator";
import { type Access, RESERVED_NAMESPACES, isNamespaceName, isOperationName } from "../core/scope-grammar";
import { ScopeNamespace } from "./scope-namespace.entity";

export interface NamespaceDefinition {
  name: string;
  description?: string | null;
  operations: Array<{ name: string; access: Access }>;
}

export const MAX_OPERATIONS_PER_NAMESPACE = 500;

/**
 * The scope catalog: the platform's namespaces plus each tenant's own. Views are cached per tenant
 * and dropped when a namespace is (re)defined anywhere they could see.
 */
export class CatalogService {
  private readonly views = new GuardedCache<string, CatalogView>({ maxEntries: 10_000 });

  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    bus: InvalidationBus,
  ) {
    // A platform namespace is in every tenant's view.
    keepCoherent(bus, this.views, (invalidation) => {
      if (invalidation.kind !== "catalog") return undefined;
      return invalidation.tenantId === PLATFORM_TENANT_ID ? EVERY_ENTRY : invalidation.tenantId;
    });
  }

  /** The namespaces a tenant sees: the platform's and its own, oldest first. */
  async list(tenantId: string): Promise<ScopeNamespace[]> {
    return this.dataSource
      .getRepository(ScopeNamespace)
      .createQueryBuilder("namespace")
      .where("namespace.tenant_id IN (:...tenantIds)", { tenantIds: [PLATFORM_TENANT_ID, tenantId] })
      .orderBy("namespace.name", "ASC")
      .getMany();
  }

  async view(tenantId: string): Promise<CatalogView> {
    const view = await this.views.getOrLoad(tenantId, async () => {
      const namespaces = await this.list(tenantId);
      return new Map(namespaces.map((namespace) => [namespace.name, new Map(namespace.operations.map((op) => [op.name, op.access]))]));
    });
    return view!;
  }

  /** Creates or replaces a namespace of the tenant (of the platform: visible to every tenant). */
  async define(tenantId: string, caller: Caller, definition: NamespaceDefinition): Promise<ScopeNamespace> {
    const operations = validateDefinition(definition);
    return this.transactions.run(async (tx) => {
      const repository = tx.manager.getRepository(ScopeNamespace);
      const sameName = await repository
        .createQueryBuilder("namespace")
        .setLock("pessimistic_write")
        .where("namespace.name = :name", { name: definition.name })
        .getMany();
      const existing = sameName.find((namespace) => namespace.tenantId === tenantId);
      const other = sameName.find((namespace) => namespace.tenantId !== tenantId);
      if (other && tenantId !== PLATFORM_TENANT_ID && other.tenantId === PLATFORM_TENANT_ID) {
        throw conflict(`namespace ${definition.name} is defined by the platform`);
      }
      if (other && tenantId === PLATFORM_TENANT_ID) {
        throw conflict(`namespace ${definition.name} is already defined by a tenant`);
      }
      if (existing) await this.assertNoGrantLost(tx.manager, tenantId, existing, operations);
      const now = new Date();
      const namespace = Object.assign(existing ?? new ScopeNamespace(), {
        id: existing?.id ?? newId(),
        tenantId,
        name: definition.name,
        description: definition.description ?? null,
        operations,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      });
      const before = existing ? { description: existing.description, operations: existing.operations } : { description: null, operations: [] };
      try {
        await repository.save(namespace);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`namespace ${definition.name} is being defined concurrently; try again`);
        throw error;
      }
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.NAMESPACE_DEFINED,
        targetType: "ScopeNamespace",
        targetId: namespace.id,
        changes: diffChanges(before, { description: namespace.description, operations }, ["description", "operations"]),
      });
      await tx.invalidate({ kind: "catalog", tenantId });
      return namespace;
    });
  }

  /** Removing an operation that keys hold (or ceilings name) would strand their grants: CONFLICT. */
  private async assertNoGrantLost(
    manager: EntityManager,
    tenantId: string,
    existing: ScopeNamespace,
    operations: Array<{ name: string; access: Access }>,
  ): Promise<void> {
    const kept = new Set(operations.map((op) => op.name));
    const removed = existing.operations.filter((op) => !kept.has(op.name)).map((op) => `${existing.name}:${op.name}`);
    if (removed.length === 0) return;
    const tenantFilter = tenantId === PLATFORM_TENANT_ID ? "" : "AND tenant_id = $2";
    const parameters = tenantId === PLATFORM_TENANT_ID ? [removed] : [removed, tenantId];
    const [grants] = await manager.query(
      `SELECT count(*)::int AS count FROM permission_grants WHERE scope = ANY($1) ${tenantFilter}`,
      parameters,
    );
    const [ceilings] = await manager.query(
      `SELECT count(*)::int AS count FROM subscriptions WHERE scope_ceiling && $1::text[] ${tenantFilter}`,
      parameters,
    );
    if (grants.count > 0 || ceilings.count > 0) {
      throw conflict(`operations still granted or in a subscription's ceiling cannot be removed: ${removed.join(", ")}`);
    }
  }
}

function validateDefinition(definition: NamespaceDefinition): Array<{ name: string; access: Access }> {
  if (!isNamespaceName(definition.name)) {
    throw badInput("name", "must start with a lowercase letter and hold only a-z, 0-9, _ or - (at most 40)");
  }
  if (RESERVED_NAMESPACES.has(definition.name)) throw conflict(`namespace ${definition.name} is reserved`);
  if (definition.operations.length > MAX_OPERATIONS_PER_NAMESPACE) {
    throw badInput("operations", `must hold at most ${MAX_OPERATIONS_PER_NAMESPACE} operations`);
  }
  const seen = new Set<string>();
  for (const operation of definition.operations) {
    if (!isOperationName(operation.name)) {
      throw badInput("operations", "each name must be a letter followed by letters, digits, _ . or - and not read or write");
    }
    if (seen.has(operation.name)) throw badInput("operations", "names must be unique");
    seen.add(operation.name);
  }
  return definition.operations.map((op) => ({ name: op.name, access: op.access }));
}
