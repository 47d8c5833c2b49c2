import type { DataSource, EntityManager } from "typeorm";
import { creationChanges } from "../audit/audit-changes";
import { AuditAction } from "../audit/audit-event.entity";
import type { AuditService } from "../audit/audit.service";
import { auditedEdit } from "../audit/audited-edit";
import { isForeignKeyViolation, isUniqueViolation } from "../common/database-errors";
import { conflict, notFound } from "../common/errors";
import { newId, requireUuid } from "../common/ids";
import { escapeLike } from "../common/like-pattern";
import { cursorDate, cursorId, decodeCursor, pageSize, toPage } from "../common/pagination";
import { trimmedOrNull } from "../common/validation";
import { validateMetadata } from "../core/key-rules";
import { validateNamedLimits } from "../core/named-limits";
import { type Transaction, type Transactions, insertRow } from "../db/transactions";
import type { Caller } from "../principals/principal";
import { Identity } from "./identity.entity";
import type { CreateIdentityInput, IdentityFilter, UpdateIdentityInput } from "./identity.inputs";

const AUDITED_FIELDS = ["externalId", "name", "metadata", "rateLimits"] as const;
/** Searches this long match anywhere (a trigram index); shorter ones match the starts of externalId and name. */
const MIN_SUBSTRING_SEARCH = 3;
const EXTERNAL_ID_TAKEN = "another identity of the tenant has this externalId";

/** The tenant's identities: the customers or users that own keys and share their limits. */
export class IdentitiesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
  ) {}

  /** The tenant an identity belongs to, for root acting by id; NOT_FOUND when there is none. */
  async tenantIdOf(id: string): Promise<string> {
    const identity = await this.dataSource.getRepository(Identity).findOne({ select: { tenantId: true }, where: { id: requireUuid(id, "id") } });
    if (!identity) throw notFound("Identity");
    return identity.tenantId;
  }

  async get(tenantId: string, id: string): Promise<Identity> {
    const identity = await this.dataSource.getRepository(Identity).findOneBy({ tenantId, id: requireUuid(id, "id") });
    if (!identity) throw notFound("Identity");
    return identity;
  }

  /** Newest first; filtered by externalId or a search of externalId and name. */
  async list(tenantId: string, filter: IdentityFilter | undefined, first?: number | null, after?: string | null) {
    const size = pageSize(first);
    const query = this.dataSource
      .getRepository(Identity)
      .createQueryBuilder("i")
      .where("i.tenant_id = :tenantId", { tenantId })
      .orderBy("i.created_at", "DESC")
      .addOrderBy("i.id", "DESC")
      .limit(size + 1);
    if (filter?.externalId) query.andWhere("i.external_id = :externalId", { externalId: filter.externalId });
    const term = filter?.search?.trim().toLowerCase();
    if (term && term.length >= MIN_SUBSTRING_SEARCH) {
      query.andWhere("lower(i.external_id || ' ' || coalesce(i.name, '')) LIKE :searchLike", { searchLike: `%${escapeLike(term)}%` });
    } else if (term) {
      query.andWhere("(lower(i.external_id) LIKE :searchStart OR lower(i.name) LIKE :searchStart)", { searchStart: `${escapeLike(term)}%` });
    }
    if (after) {
      const [createdAt, id] = decodeCursor(after, 2);
      query.andWhere("(i.created_at, i.id) < (:createdAt, :id)", { createdAt: cursorDate(createdAt), id: cursorId(id) });
    }
    return toPage(await query.getMany(), size, (row) => [row.createdAt.toISOString(), row.id]);
  }

  async create(tenantId: string, caller: Caller, input: CreateIdentityInput): Promise<Identity> {
    const now = new Date();
    const identity = Object.assign(new Identity(), {
      id: newId(now.getTime()),
      tenantId,
      externalId: input.externalId.trim(),
      name: trimmedOrNull(input.name),
      metadata: validateMetadata(input.metadata ?? null),
      rateLimits: validateNamedLimits(input.rateLimits ?? [], "rateLimits"),
      createdAt: now,
      updatedAt: now,
    });
    return this.transactions.run(async (tx) => {
      try {
        await insertRow(tx.manager, Identity, identity);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(EXTERNAL_ID_TAKEN);
        if (isForeignKeyViolation(error)) throw notFound("Tenant");
        throw error;
      }
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.IDENTITY_CREATED,
        targetType: "Identity",
        targetId: identity.id,
        changes: creationChanges(identity, AUDITED_FIELDS),
      });
      return identity;
    });
  }

  async update(tenantId: string, caller: Caller, input: UpdateIdentityInput): Promise<Identity> {
    const rateLimits = input.rateLimits === undefined ? undefined : validateNamedLimits(input.rateLimits ?? [], "rateLimits");
    try {
      return await this.change(tenantId, caller, input.id, AuditAction.IDENTITY_UPDATED, (identity) => {
        if (input.externalId !== undefined && input.externalId !== null) identity.externalId = input.externalId.trim();
        if (input.name !== undefined) identity.name = trimmedOrNull(input.name);
        if (input.metadata !== undefined) identity.metadata = validateMetadata(input.metadata);
        if (rateLimits !== undefined) identity.rateLimits = rateLimits;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(EXTERNAL_ID_TAKEN);
      throw error;
    }
  }

  /** Refused while keys refer to the identity: detach or move them first. */
  async delete(tenantId: string, caller: Caller, id: string): Promise<string> {
    const identityId = requireUuid(id, "id");
    return this.transactions.run(async (tx) => {
      const identity = await lockIdentity(tx.manager, tenantId, identityId);
      const [{ keys }]: Array<{ keys: number }> = await tx.manager.query(
        "SELECT count(*)::int AS keys FROM api_keys WHERE tenant_id = $1 AND identity_id = $2",
        [tenantId, identityId],
      );
      if (keys > 0) throw conflict(`the identity still owns ${keys} key${keys === 1 ? "" : "s"}; detach them first (updateApiKey with identityId: null)`);
      await tx.manager.delete(Identity, { tenantId, id: identityId });
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.IDENTITY_DELETED,
        targetType: "Identity",
        targetId: identityId,
        changes: Object.fromEntries(AUDITED_FIELDS.map((field) => [field, { before: identity[field], after: null }])),
      });
      await tx.invalidate({ kind: "identity", identityId, tenantId });
      return identityId;
    });
  }

  /** One audited edit of the locked identity, telling every instance (its keys' checks read its limits). */
  private change(tenantId: string, caller: Caller, id: string, action: AuditAction, edit: (identity: Identity) => void): Promise<Identity> {
    const identityId = requireUuid(id, "id");
    return this.transactions.run((tx: Transaction) =>
      auditedEdit(this.audit, tx, caller, {
        tenantId,
        action,
        targetType: "Identity",
        fields: AUDITED_FIELDS,
        lock: (manager) => lockIdentity(manager, tenantId, identityId),
        edit,
        save: async (manager, identity) => {
          const { externalId, name, metadata, rateLimits, updatedAt } = identity;
          await manager.update(Identity, { tenantId, id: identity.id }, { externalId, name, metadata: metadata as never, rateLimits: rateLimits as never, updatedAt });
        },
        invalidation: (identity) => ({ kind: "identity", identityId: identity.id, tenantId }),
      }),
    );
  }
}

async function lockIdentity(manager: EntityManager, tenantId: string, id: string): Promise<Identity> {
  const identity = await manager.getRepository(Identity).findOne({ where: { tenantId, id }, lock: { mode: "pessimistic_write" } });
  if (!identity) throw notFound("Identity");
  return identity;
}
