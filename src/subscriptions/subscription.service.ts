import type { DataSource, EntityManager } from "typeorm";
import { creationChanges } from "../audit/audit-changes";
import { AuditAction } from "../audit/audit-event.entity";
import type { AuditService } from "../audit/audit.service";
import { auditedEdit } from "../audit/audited-edit";
import type { Caller } from "../principals/principal";
import { isForeignKeyViolation } from "../common/database-errors";
import { conflict, notFound } from "../common/errors";
import { newId, requireUuid } from "../common/ids";
import { cursorDate, cursorId, decodeCursor, pageSize, toPage } from "../common/pagination";
import type { Transactions } from "../db/transactions";
import type { CatalogService } from "../scopes/catalog.service";
import type { CatalogView } from "../core/scope-evaluator";
import { firstGrantOutsideCeiling, validateGrants } from "../core/grant-validation";
import { SubscriptionStatus } from "../core/tenancy";
import { Subscription } from "./subscription.entity";
import type { CreateSubscriptionInput, UpdateSubscriptionInput } from "./subscription.inputs";

const AUDITED_FIELDS = ["name", "plan", "status", "scopeCeiling"] as const;

export class SubscriptionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
  ) {}

  /** The tenant a subscription belongs to, for root acting by id; NOT_FOUND when there is none. */
  async tenantIdOf(id: string): Promise<string> {
    const subscription = await this.dataSource.getRepository(Subscription).findOne({
      select: { tenantId: true },
      where: { id: requireUuid(id, "id") },
    });
    if (!subscription) throw notFound("Subscription");
    return subscription.tenantId;
  }

  async get(tenantId: string, id: string): Promise<Subscription> {
    const subscription = await this.dataSource
      .getRepository(Subscription)
      .findOneBy({ tenantId, id: requireUuid(id, "id") });
    if (!subscription) throw notFound("Subscription");
    return subscription;
  }

  async list(tenantId: string, status: SubscriptionStatus | undefined, first?: number | null, after?: string | null) {
    const size = pageSize(first);
    const query = this.dataSource
      .getRepository(Subscription)
      .createQueryBuilder("subscription")
      .where("subscription.tenant_id = :tenantId", { tenantId })
      .orderBy("subscription.created_at", "DESC")
      .addOrderBy("subscription.id", "DESC")
      .limit(size + 1);
    if (status) query.andWhere("subscription.status = :status", { status });
    if (after) {
      const [createdAt, id] = decodeCursor(after, 2);
      query.andWhere("(subscription.created_at, subscription.id) < (:createdAt, :id)", {
        createdAt: cursorDate(createdAt),
        id: cursorId(id),
      });
    }
    return toPage(await query.getMany(), size, (row) => [row.createdAt.toISOString(), row.id]);
  }

  async create(tenantId: string, caller: Caller, input: CreateSubscriptionInput): Promise<Subscription> {
    const scopeCeiling = validateGrants(await this.catalog.view(tenantId), input.scopeCeiling ?? [], "scopeCeiling");
    const now = new Date();
    const subscription = Object.assign(new Subscription(), {
      id: newId(now.getTime()),
      tenantId,
      name: input.name.trim(),
      plan: input.plan.trim(),
      status: SubscriptionStatus.ACTIVE,
      scopeCeiling,
      createdAt: now,
      updatedAt: now,
    });
    return this.transactions.run(async (tx) => {
      try {
        await tx.manager.insert(Subscription, subscription);
      } catch (error) {
        if (isForeignKeyViolation(error)) throw notFound("Tenant");
        throw error;
      }
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.SUBSCRIPTION_CREATED,
        targetType: "Subscription",
        targetId: subscription.id,
        changes: creationChanges(subscription, AUDITED_FIELDS),
      });
      return subscription;
    });
  }

  async update(tenantId: string, caller: Caller, input: UpdateSubscriptionInput): Promise<Subscription> {
    const catalog = await this.catalog.view(tenantId);
    const scopeCeiling = input.scopeCeiling ? validateGrants(catalog, input.scopeCeiling, "scopeCeiling") : undefined;
    return this.change(tenantId, caller, input.id, AuditAction.SUBSCRIPTION_UPDATED, async (subscription, manager) => {
      if (input.name !== undefined && input.name !== null) subscription.name = input.name.trim();
      if (input.plan !== undefined && input.plan !== null) subscription.plan = input.plan.trim();
      if (scopeCeiling) {
        await this.assertBoundKeysFit(manager, subscription, scopeCeiling, catalog);
        subscription.scopeCeiling = scopeCeiling;
      }
    });
  }

  /** CANCELLED is final; any other change of status is allowed and audited. */
  async setStatus(tenantId: string, caller: Caller, id: string, status: SubscriptionStatus): Promise<Subscription> {
    return this.change(tenantId, caller, id, AuditAction.SUBSCRIPTION_STATUS_CHANGED, async (subscription) => {
      if (subscription.status === status) throw conflict(`the subscription is already ${status}`);
      if (subscription.status === SubscriptionStatus.CANCELLED) throw conflict("a cancelled subscription cannot change status");
      subscription.status = status;
    });
  }

  /** One audited edit of the locked subscription, telling every instance. */
  private change(
    tenantId: string,
    caller: Caller,
    id: string,
    action: AuditAction,
    edit: (subscription: Subscription, manager: EntityManager) => Promise<void>,
  ): Promise<Subscription> {
    const subscriptionId = requireUuid(id, "id");
    return this.transactions.run((tx) =>
      auditedEdit(this.audit, tx, caller, {
        tenantId,
        action,
        targetType: "Subscription",
        fields: AUDITED_FIELDS,
        lock: async (manager) => {
          const subscription = await manager
            .getRepository(Subscription)
            .findOne({ where: { tenantId, id: subscriptionId }, lock: { mode: "pessimistic_write" } });
          if (!subscription) throw notFound("Subscription");
          return subscription;
        },
        edit: (subscription, { manager }) => edit(subscription, manager),
        save: async (manager, subscription) => {
          const { name, plan, status, scopeCeiling, updatedAt } = subscription;
          await manager.getRepository(Subscription).update({ tenantId, id: subscription.id }, { name, plan, status, scopeCeiling, updatedAt });
        },
        invalidation: (subscription) => ({ kind: "subscription", subscriptionId: subscription.id }),
      }),
    );
  }

  /** A ceiling may not drop below what the keys bound to it (and not yet revoked) already hold. */
  private async assertBoundKeysFit(
    manager: EntityManager,
    subscription: Subscription,
    ceiling: string[],
    catalog: CatalogView,
  ): Promise<void> {
    if (ceiling.length === 0) return;
    const rows: Array<{ scope: string }> = await manager.query(
      `SELECT DISTINCT g.scope
         FROM api_key_subscriptions b
         JOIN api_keys k ON k.tenant_id = b.tenant_id AND k.id = b.api_key_id
         JOIN permission_grants g ON g.tenant_id = k.tenant_id AND g.api_key_id = k.id
        WHERE b.tenant_id = $1 AND b.subscription_id = $2 AND (k.revoked_at IS NULL OR k.revoked_at > now())`,
      [subscription.tenantId, subscription.id],
    );
    const outside = firstGrantOutsideCeiling(catalog, rows.map((row) => row.scope), ceiling);
    if (outside) throw conflict("keys bound to this subscription hold grants the new ceiling would not cover");
  }
}
