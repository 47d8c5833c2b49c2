import type { EntityManager } from "typeorm";
import { type Changes, creationChanges, diffChanges } from "../audit/audit-changes";
import { AuditAction } from "../audit/audit-event.entity";
import type { AuditService } from "../audit/audit.service";
import { type Caller, PrincipalKind } from "../principals/principal";
import { badInput, conflict, forbidden, notFound } from "../common/errors";
import { requireUuid } from "../common/ids";
import { optionalText, requiredText } from "../common/validation";
import type { Transaction, Transactions } from "../db/transactions";
import type { CatalogService } from "../scopes/catalog.service";
import { firstEscalation, firstGrantOutsideCeiling, validateGrants } from "../core/grant-validation";
import type { CatalogView } from "../core/scope-evaluator";
import { Subscription, SubscriptionStatus } from "../subscriptions/subscription.entity";
import type { TenantPolicies } from "../tenants/tenant-policies";
import { ApiKey } from "./api-key.entity";
import type { CreateApiKeyInput, UpdateApiKeyInput } from "./api-key.inputs";
import { replaceBindings, replaceGrants, type KeyIssuer } from "./key-issuer";
import {
  assertWildcardExpiry,
  resolveExpiry,
  validateCidrs,
  validateGracePeriod,
  validateMetadata,
} from "../core/key-rules";
import { ApiKeyStatus, deriveStatus } from "../core/key-status";
import { KeySubscription } from "./key-subscription.entity";
import { PermissionGrant } from "./permission-grant.entity";

/** The fields an audit event records for a key: never its secret, hash or lookup id. */
const AUDITED_FIELDS = [
  "name",
  "description",
  "externalId",
  "expiresAt",
  "enabled",
  "revokedAt",
  "revokedReason",
  "scopes",
  "subscriptionIds",
  "allowedCidrs",
  "rateLimitLimit",
  "rateLimitWindowSeconds",
  "metadata",
  "rotatedToId",
] as const;

/** UUIDs compare case-insensitively: lower-case first, then drop repeats (null clears the list). */
const distinctIds = (ids: readonly string[] | null | undefined): string[] => [...new Set((ids ?? []).map((id) => id.toLowerCase()))];

const snapshot = (key: ApiKey): ApiKey => Object.assign(new ApiKey(), key, { scopes: [...key.scopes], subscriptionIds: [...key.subscriptionIds] });

/** The key lifecycle: create, edit, enable, disable, revoke, regenerate (reads are in KeyQueries). */
export class KeysService {
  constructor(
    private readonly transactions: Transactions,
    private readonly issuer: KeyIssuer,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
    private readonly tenants: TenantPolicies,
  ) {}

  async create(tenantId: string, caller: Caller, input: CreateApiKeyInput): Promise<{ apiKey: ApiKey; secret: string }> {
    const now = Date.now();
    const tenant = await this.tenants.get(tenantId);
    const catalog = await this.catalog.view(tenantId);
    const expiresAt = resolveExpiry(input, tenant, now) ?? null;
    if (expiresAt === null && tenant.requireExpiry) throw badInput("expiresAt", "is required by the tenant's policy");
    const scopes = this.grantable(catalog, input.scopes ?? [], [], caller);
    assertWildcardExpiry(scopes, expiresAt, tenant, now);
    const subscriptionIds = distinctIds(input.subscriptionIds);
    const spec = {
      tenantId,
      name: requiredText(input.name, "name", 100),
      description: optionalText(input.description, "description", 500),
      externalId: optionalText(input.externalId, "externalId", 200),
      expiresAt,
      scopes,
      subscriptionIds,
      allowedCidrs: validateCidrs(input.allowedCidrs ?? []),
      rateLimit: input.rateLimit ?? null,
      metadata: validateMetadata(input.metadata ?? null),
      createdBy: caller.principal.actor.id,
      rotatedFromId: null,
    };
    const prepared = await this.issuer.prepare(tenant.keyPrefix);
    return this.transactions.run(async (tx) => {
      await this.assertSubscriptions(tx.manager, tenantId, subscriptionIds, scopes, catalog, true);
      const apiKey = await this.issuer.insert(tx.manager, spec, prepared);
      await tx.invalidate({ kind: "key", keyId: apiKey.id, tenantId });
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.KEY_CREATED,
        targetType: "ApiKey",
        targetId: apiKey.id,
        changes: { ...creationChanges(apiKey, AUDITED_FIELDS), maskedKey: { before: null, after: apiKey.maskedKey } },
      });
      return { apiKey, secret: prepared.generated.key };
    });
  }

  async update(tenantId: string, caller: Caller, input: UpdateApiKeyInput): Promise<ApiKey> {
    const now = Date.now();
    const tenant = await this.tenants.get(tenantId);
    const catalog = await this.catalog.view(tenantId);
    return this.change(tenantId, caller, input.id, AuditAction.KEY_UPDATED, async (key, tx) => {
      assertEditable(key, now, "edited");
      if (input.name !== undefined && input.name !== null) key.name = requiredText(input.name, "name", 100);
      if (input.description !== undefined) key.description = optionalText(input.description, "description", 500);
      if (input.externalId !== undefined) key.externalId = optionalText(input.externalId, "externalId", 200);
      const expiresAt = resolveExpiry(input, tenant, now);
      if (expiresAt !== undefined) key.expiresAt = expiresAt;
      if (input.scopes !== undefined) key.scopes = this.grantable(catalog, input.scopes ?? [], key.scopes, caller);
      if (input.subscriptionIds !== undefined) key.subscriptionIds = distinctIds(input.subscriptionIds);
      if (input.allowedCidrs !== undefined) key.allowedCidrs = validateCidrs(input.allowedCidrs ?? []);
      if (input.rateLimit !== undefined) {
        key.rateLimitLimit = input.rateLimit?.limit ?? null;
        key.rateLimitWindowSeconds = input.rateLimit?.windowSeconds ?? null;
      }
      if (input.metadata !== undefined) key.metadata = validateMetadata(input.metadata);
      assertWildcardExpiry(key.scopes, key.expiresAt, tenant, now);
      if (input.subscriptionIds !== undefined || input.scopes !== undefined) {
        await this.assertSubscriptions(tx.manager, tenantId, key.subscriptionIds, key.scopes, catalog, input.subscriptionIds !== undefined);
      }
      if (input.scopes !== undefined) await replaceGrants(tx.manager, tenantId, key.id, key.scopes);
      if (input.subscriptionIds !== undefined) await replaceBindings(tx.manager, tenantId, key.id, key.subscriptionIds);
    });
  }

  async enable(tenantId: string, caller: Caller, id: string): Promise<ApiKey> {
    const now = Date.now();
    return this.change(tenantId, caller, id, AuditAction.KEY_ENABLED, async (key) => {
      assertEditable(key, now, "enabled");
      if (key.enabled) throw conflict("the key is already enabled");
      key.enabled = true;
    });
  }

  async disable(tenantId: string, caller: Caller, id: string): Promise<ApiKey> {
    const now = Date.now();
    return this.change(tenantId, caller, id, AuditAction.KEY_DISABLED, async (key) => {
      const status = deriveStatus(key, now);
      if (status === ApiKeyStatus.REVOKED) throw conflict("a revoked key cannot be disabled");
      if (!key.enabled) throw conflict("the key is already disabled");
      key.enabled = false;
    });
  }

  /** Permanent. During a regeneration's grace period it takes effect at once. */
  async revoke(tenantId: string, caller: Caller, id: string, reason: string | null | undefined): Promise<ApiKey> {
    const now = Date.now();
    return this.change(tenantId, caller, id, AuditAction.KEY_REVOKED, async (key) => {
      if (key.revokedAt && key.revokedAt.getTime() <= now) throw conflict("the key is already revoked");
      key.revokedAt = new Date(now);
      key.revokedReason = optionalText(reason, "reason", 500) ?? key.revokedReason;
    });
  }

  /**
   * A new key with the old one's settings and expiry; the old key stays ACTIVE for the grace period
   * and is REVOKED after it (a scheduled revocation, no job needed). Of two concurrent
   * regenerations exactly one succeeds: the loser re-reads the locked row and finds it superseded.
   */
  async regenerate(tenantId: string, caller: Caller, id: string, gracePeriodSeconds: number): Promise<{ apiKey: ApiKey; secret: string }> {
    const grace = validateGracePeriod(gracePeriodSeconds);
    const keyId = requireUuid(id, "id");
    const tenant = await this.tenants.get(tenantId);
    const catalog = await this.catalog.view(tenantId);
    const prepared = await this.issuer.prepare(tenant.keyPrefix);
    return this.transactions.run(async (tx) => {
      const now = Date.now();
      const old = await this.lockKey(tx.manager, tenantId, keyId);
      if (old.rotatedToId) throw conflict("the key has already been regenerated");
      assertEditable(old, now, "regenerated");
      await this.attachRelations(tx.manager, tenantId, [old]);
      const escalation = firstEscalation(catalog, old.scopes, caller.principal.grants);
      if (escalation && caller.principal.kind !== PrincipalKind.ROOT) throw forbidden("you may grant only the keys and platform scopes you hold");
      const before = snapshot(old);
      const apiKey = await this.issuer.insert(
        tx.manager,
        {
          tenantId,
          name: old.name,
          description: old.description,
          externalId: old.externalId,
          expiresAt: old.expiresAt,
          scopes: old.scopes,
          subscriptionIds: old.subscriptionIds,
          allowedCidrs: old.allowedCidrs,
          rateLimit: old.rateLimit,
          metadata: old.metadata,
          createdBy: caller.principal.actor.id,
          rotatedFromId: old.id,
        },
        prepared,
      );
      old.rotatedToId = apiKey.id;
      old.revokedAt = new Date(now + grace * 1000);
      old.revokedReason = "regenerated";
      old.updatedAt = new Date(now);
      await this.saveKey(tx.manager, old);
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.KEY_REGENERATED,
        targetType: "ApiKey",
        targetId: old.id,
        changes: { ...diffChanges(before, old, AUDITED_FIELDS), gracePeriodSeconds: { before: null, after: grace } },
      });
      await tx.invalidate({ kind: "key", keyId: old.id, tenantId });
      return { apiKey, secret: prepared.generated.key };
    });
  }

  /** Locks the key, applies the edit, stores and audits the difference, and tells every instance. */
  private async change(
    tenantId: string,
    caller: Caller,
    id: string,
    action: AuditAction,
    edit: (key: ApiKey, tx: Transaction) => Promise<void>,
  ): Promise<ApiKey> {
    const keyId = requireUuid(id, "id");
    return this.transactions.run(async (tx) => {
      const key = await this.lockKey(tx.manager, tenantId, keyId);
      await this.attachRelations(tx.manager, tenantId, [key]);
      const before = snapshot(key);
      await edit(key, tx);
      const changes: Changes = diffChanges(before, key, AUDITED_FIELDS);
      key.updatedAt = new Date();
      await this.saveKey(tx.manager, key);
      await this.audit.record(tx.manager, caller, { tenantId, action, targetType: "ApiKey", targetId: key.id, changes });
      await tx.invalidate({ kind: "key", keyId: key.id, tenantId });
      return key;
    });
  }

  /** SELECT ... FOR UPDATE, then every decision is made on the row as it is now. */
  private async lockKey(manager: EntityManager, tenantId: string, id: string): Promise<ApiKey> {
    const key = await manager.getRepository(ApiKey).findOne({ where: { tenantId, id }, lock: { mode: "pessimistic_write" } });
    if (!key) throw notFound("API key");
    return key;
  }

  private async saveKey(manager: EntityManager, key: ApiKey): Promise<void> {
    await manager.update(
      ApiKey,
      { tenantId: key.tenantId, id: key.id },
      {
        name: key.name,
        description: key.description,
        externalId: key.externalId,
        enabled: key.enabled,
        expiresAt: key.expiresAt,
        revokedAt: key.revokedAt,
        revokedReason: key.revokedReason,
        allowedCidrs: key.allowedCidrs,
        rateLimitLimit: key.rateLimitLimit,
        rateLimitWindowSeconds: key.rateLimitWindowSeconds,
        rotatedToId: key.rotatedToId,
        metadata: key.metadata as never,
        updatedAt: key.updatedAt,
      },
    );
  }

  /**
   * Validates grants against the catalog; in the reserved namespaces a principal may add only
   * what it holds itself (root holds everything).
   */
  private grantable(catalog: CatalogView, requested: readonly string[], current: readonly string[], caller: Caller): string[] {
    const scopes = validateGrants(catalog, requested, "scopes");
    if (caller.principal.kind === PrincipalKind.ROOT) return scopes;
    const added = scopes.filter((scope) => !current.includes(scope));
    if (firstEscalation(catalog, added, caller.principal.grants)) {
      throw forbidden("you may grant only the keys and platform scopes you hold");
    }
    return scopes;
  }

  /** Each bound subscription must be the tenant's (and ACTIVE when newly bound) and its ceiling must cover every grant. */
  private async assertSubscriptions(
    manager: EntityManager,
    tenantId: string,
    subscriptionIds: readonly string[],
    scopes: readonly string[],
    catalog: CatalogView,
    requireActive: boolean,
  ): Promise<void> {
    if (subscriptionIds.length === 0) return;
    const found = await manager
      .getRepository(Subscription)
      .createQueryBuilder("s")
      .setLock("pessimistic_read")
      .where("s.tenant_id = :tenantId AND s.id IN (:...ids)", { tenantId, ids: subscriptionIds })
      .getMany();
    subscriptionIds.forEach((id, index) => {
      const subscription = found.find((candidate) => candidate.id === id);
      if (!subscription) throw badInput(`subscriptionIds[${index}]`, "is not a subscription of this tenant");
      if (requireActive && subscription.status !== SubscriptionStatus.ACTIVE) {
        throw badInput(`subscriptionIds[${index}]`, "is not ACTIVE");
      }
      if (firstGrantOutsideCeiling(catalog, scopes, subscription.scopeCeiling)) {
        throw badInput("scopes", `exceed the scope ceiling of subscriptionIds[${index}]`);
      }
    });
  }

  /** Loads scopes and subscription ids for a page of keys in two queries. */
  private async attachRelations(manager: EntityManager, tenantId: string, keys: ApiKey[]): Promise<void> {
    if (keys.length === 0) return;
    const ids = keys.map((key) => key.id);
    const grants = await manager
      .getRepository(PermissionGrant)
      .createQueryBuilder("g")
      .where("g.tenant_id = :tenantId AND g.api_key_id IN (:...ids)", { tenantId, ids })
      .orderBy("g.scope", "ASC")
      .getMany();
    const bindings = await manager
      .getRepository(KeySubscription)
      .createQueryBuilder("b")
      .where("b.tenant_id = :tenantId AND b.api_key_id IN (:...ids)", { tenantId, ids })
      .orderBy("b.subscription_id", "ASC")
      .getMany();
    for (const key of keys) {
      key.scopes = grants.filter((grant) => grant.apiKeyId === key.id).map((grant) => grant.scope);
      key.subscriptionIds = bindings.filter((binding) => binding.apiKeyId === key.id).map((binding) => binding.subscriptionId);
    }
  }
}

/** Revoked, expired and superseded keys are final: they cannot be edited, enabled or regenerated. */
function assertEditable(key: ApiKey, now: number, verb: string): void {
  const status = deriveStatus(key, now);
  if (status === ApiKeyStatus.REVOKED) throw conflict(`a revoked key cannot be ${verb}`);
  if (status === ApiKeyStatus.EXPIRED) throw conflict(`an expired key cannot be ${verb}`);
  if (key.rotatedToId) throw conflict(`a key that has been regenerated cannot be ${verb}; use its successor`);
}
