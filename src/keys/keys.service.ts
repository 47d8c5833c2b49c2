import type { EntityManager } from "typeorm";
import { creationChanges } from "../audit/audit-changes";
import { AuditAction } from "../audit/audit-event.entity";
import type { AuditService } from "../audit/audit.service";
import { type AuditedEdit, auditedEdit } from "../audit/audited-edit";
import { badInput, conflict, forbidden, notFound } from "../common/errors";
import { requireUuid } from "../common/ids";
import { trimmedOrNull } from "../common/validation";
import { firstEscalation, validateGrants } from "../core/grant-validation";
import { type Credits, assertCredits, normalizedRefill } from "../core/credits";
import { assertWildcardExpiry, resolveExpiry, validateCidrs, validateGracePeriod, validateMetadata } from "../core/key-rules";
import { DEFAULT_LIMIT_NAME, type NamedLimit, validateNamedLimits } from "../core/named-limits";
import { ApiKeyStatus, deriveStatus } from "../core/key-status";
import { PLATFORM_NAMESPACE } from "../core/reserved-scopes";
import { PLATFORM_TENANT_ID } from "../core/tenancy";
import type { CatalogView } from "../core/scope-evaluator";
import type { Transaction, Transactions } from "../db/transactions";
import { type Caller, PrincipalKind } from "../principals/principal";
import type { CatalogService } from "../scopes/catalog.service";
import { assertBindable } from "../subscriptions/subscription-bindings";
import { ApiKey } from "./api-key.entity";
import type { CreateApiKeyInput, KeyRateLimitInput, UpdateApiKeyInput } from "./api-key.inputs";
import type { CreditsInput, UpdateCreditsInput } from "./key-credits.types";
import { EventType } from "../core/event-type";
import { LeakedKeyAction } from "../core/leaked-key-action";
import { keyEventKey } from "../events/key-event-data";
import type { EventOutbox } from "../events/outbox";
import { type KeyIssuer, replaceBindings, replaceGrants } from "./key-issuer";
import type { KeyPolicies } from "./key-policy";
import { keysWithRelations } from "./key-relations";

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
  "rateLimits",
  "identityId",
  "creditsRemaining",
  "creditsRefillAmount",
  "creditsRefillInterval",
  "creditsRefillDayOfMonth",
  "metadata",
  "rotatedToId",
] as const;

/** UUIDs compare case-insensitively: lower-case first, then drop repeats (null clears the list). */
const distinctIds = (ids: readonly string[] | null | undefined): string[] => [...new Set((ids ?? []).map((id) => id.toLowerCase()))];

/** This change's own event tells of the revocation: the scan of scheduled revocations skips the key. */
function revocationTold(tx: Transaction, tenantId: string, key: ApiKey): Promise<unknown> {
  return tx.manager.query("UPDATE api_keys SET revocation_notified_at = $3 WHERE tenant_id = $1 AND id = $2", [tenantId, key.id, key.revokedAt]);
}

const ESCALATION = "you may grant only the keys and platform scopes you hold";

/** The event each audited change of a key sends. */
type KeyChange =
  | AuditAction.KEY_UPDATED
  | AuditAction.KEY_ENABLED
  | AuditAction.KEY_DISABLED
  | AuditAction.KEY_REVOKED
  | AuditAction.KEY_REGENERATED
  | AuditAction.KEY_LEAKED;

interface ChangeOptions {
  /** Audited beside the changed fields. */
  extraChanges?: AuditedEdit<ApiKey>["extraChanges"];
  /** Sent in the event beside the key. */
  eventData?: () => Record<string, unknown>;
  /** A leak response may act on a key stronger than its reporter: whoever holds the secret could do worse. */
  evenIfStronger?: boolean;
}
const KEY_EVENTS: Record<KeyChange, EventType> = {
  [AuditAction.KEY_UPDATED]: EventType.KEY_UPDATED,
  [AuditAction.KEY_ENABLED]: EventType.KEY_ENABLED,
  [AuditAction.KEY_DISABLED]: EventType.KEY_DISABLED,
  [AuditAction.KEY_REVOKED]: EventType.KEY_REVOKED,
  [AuditAction.KEY_REGENERATED]: EventType.KEY_REGENERATED,
  [AuditAction.KEY_LEAKED]: EventType.KEY_LEAKED,
};

/** The key lifecycle: create, edit, enable, disable, revoke, regenerate (reads are in KeyQueries). */
export class KeysService {
  constructor(
    private readonly transactions: Transactions,
    private readonly issuer: KeyIssuer,
    private readonly catalog: CatalogService,
    private readonly audit: AuditService,
    private readonly policies: KeyPolicies,
    private readonly outbox: EventOutbox,
  ) {}

  async create(tenantId: string, caller: Caller, input: CreateApiKeyInput): Promise<{ apiKey: ApiKey; secret: string }> {
    const now = Date.now();
    const policy = await this.policies.get(tenantId);
    const catalog = await this.catalog.view(tenantId);
    const expiresAt = resolveExpiry(input, policy, now) ?? null;
    if (expiresAt === null && policy.requireExpiry) throw badInput("expiresAt", "is required by the tenant's policy");
    const scopes = grantable(tenantId, catalog, input.scopes ?? [], [], caller);
    assertWildcardExpiry(scopes, expiresAt, policy, now);
    const subscriptionIds = distinctIds(input.subscriptionIds);
    const spec = {
      tenantId,
      name: input.name.trim(),
      description: trimmedOrNull(input.description),
      externalId: trimmedOrNull(input.externalId),
      expiresAt,
      scopes,
      subscriptionIds,
      allowedCidrs: validateCidrs(input.allowedCidrs ?? []),
      rateLimits: withDefaultLimit(validateNamedLimits(input.rateLimits ?? [], "rateLimits"), input.rateLimit),
      identityId: input.identityId ? requireUuid(input.identityId, "identityId") : null,
      credits: newCredits(input.credits),
      metadata: validateMetadata(input.metadata ?? null),
      createdBy: caller.principal.actor.id,
      rotatedFromId: null,
    };
    const prepared = await this.issuer.prepare(policy.keyPrefix);
    return this.transactions.run(async (tx) => {
      await assertBindable(tx.manager, tenantId, subscriptionIds, scopes, catalog, { requireActive: true });
      if (spec.identityId) await assertIdentity(tx.manager, tenantId, spec.identityId);
      const apiKey = await this.issuer.insert(tx.manager, spec, prepared);
      await tx.invalidate({ kind: "key", keyId: apiKey.id, tenantId });
      await this.audit.record(tx.manager, caller, {
        tenantId,
        action: AuditAction.KEY_CREATED,
        targetType: "ApiKey",
        targetId: apiKey.id,
        changes: { ...creationChanges(apiKey, AUDITED_FIELDS), maskedKey: { before: null, after: apiKey.maskedKey } },
      });
      await this.outbox.record(tx, { tenantId, type: EventType.KEY_CREATED, keyId: apiKey.id, data: { key: keyEventKey(apiKey) } });
      return { apiKey, secret: prepared.generated.key };
    });
  }

  async update(tenantId: string, caller: Caller, input: UpdateApiKeyInput): Promise<ApiKey> {
    const now = Date.now();
    const policy = await this.policies.get(tenantId);
    const catalog = await this.catalog.view(tenantId);
    return this.change(tenantId, caller, input.id, AuditAction.KEY_UPDATED, async (key, tx) => {
      assertEditable(key, now, "edited");
      if (input.name !== undefined && input.name !== null) key.name = input.name.trim();
      if (input.description !== undefined) key.description = trimmedOrNull(input.description);
      if (input.externalId !== undefined) key.externalId = trimmedOrNull(input.externalId);
      const expiresAt = resolveExpiry(input, policy, now);
      if (expiresAt !== undefined && expiresAt?.getTime() !== key.expiresAt?.getTime()) {
        key.expiresAt = expiresAt;
        // A new expiry is news again: the scan tells of it when it comes near, and when it passes.
        await tx.manager.query("UPDATE api_keys SET expiring_soon_notified_at = NULL, expiry_notified_at = NULL WHERE tenant_id = $1 AND id = $2", [tenantId, key.id]);
      }
      if (input.scopes !== undefined) key.scopes = grantable(tenantId, catalog, input.scopes ?? [], key.scopes, caller);
      if (input.subscriptionIds !== undefined) key.subscriptionIds = distinctIds(input.subscriptionIds);
      if (input.allowedCidrs !== undefined) key.allowedCidrs = validateCidrs(input.allowedCidrs ?? []);
      if (input.rateLimits !== undefined) key.rateLimits = validateNamedLimits(input.rateLimits ?? [], "rateLimits");
      if (input.rateLimit !== undefined) key.rateLimits = withDefaultLimit(key.rateLimits, input.rateLimit);
      if (input.identityId !== undefined) {
        key.identityId = input.identityId === null ? null : requireUuid(input.identityId, "identityId");
        if (key.identityId) await assertIdentity(tx.manager, tenantId, key.identityId);
      }
      if (input.credits !== undefined) changeCredits(key, input.credits, now);
      if (input.metadata !== undefined) key.metadata = validateMetadata(input.metadata);
      assertWildcardExpiry(key.scopes, key.expiresAt, policy, now);
      if (input.subscriptionIds !== undefined || input.scopes !== undefined) {
        const requireActive = input.subscriptionIds !== undefined;
        await assertBindable(tx.manager, tenantId, key.subscriptionIds, key.scopes, catalog, { requireActive });
      }
      if (input.scopes !== undefined) await replaceGrants(tx.manager, tenantId, key.id, key.scopes);
      if (input.subscriptionIds !== undefined) await replaceBindings(tx.manager, tenantId, key.id, key.subscriptionIds);
    });
  }

  async enable(tenantId: string, caller: Caller, id: string): Promise<ApiKey> {
    const now = Date.now();
    return this.change(tenantId, caller, id, AuditAction.KEY_ENABLED, (key) => {
      assertEditable(key, now, "enabled");
      if (key.enabled) throw conflict("the key is already enabled");
      key.enabled = true;
    });
  }

  async disable(tenantId: string, caller: Caller, id: string): Promise<ApiKey> {
    const now = Date.now();
    return this.change(tenantId, caller, id, AuditAction.KEY_DISABLED, (key) => {
      if (deriveStatus(key, now) === ApiKeyStatus.REVOKED) throw conflict("a revoked key cannot be disabled");
      if (!key.enabled) throw conflict("the key is already disabled");
      key.enabled = false;
    });
  }

  /** Permanent. During a regeneration's grace period it takes effect at once. */
  async revoke(tenantId: string, caller: Caller, id: string, reason: string | null | undefined): Promise<ApiKey> {
    const now = Date.now();
    return this.change(tenantId, caller, id, AuditAction.KEY_REVOKED, async (key, tx) => {
      if (deriveStatus(key, now) === ApiKeyStatus.REVOKED) throw conflict("the key is already revoked");
      key.revokedAt = new Date(now);
      key.revokedReason = trimmedOrNull(reason) ?? key.revokedReason;
      await revocationTold(tx, tenantId, key);
    });
  }

  /**
   * A new key with the old one's settings and expiry; the old key stays ACTIVE for the grace period
   * and is REVOKED after it (a scheduled revocation, no job needed). Of two concurrent
   * regenerations exactly one succeeds: the loser re-reads the locked row and finds it superseded.
   */
  async regenerate(tenantId: string, caller: Caller, id: string, gracePeriodSeconds: number): Promise<{ apiKey: ApiKey; secret: string }> {
    const grace = validateGracePeriod(gracePeriodSeconds);
    const policy = await this.policies.get(tenantId);
    const prepared = await this.issuer.prepare(policy.keyPrefix);
    let successor: ApiKey | undefined;
    await this.change(
      tenantId,
      caller,
      id,
      AuditAction.KEY_REGENERATED,
      async (old, tx) => {
        const now = Date.now();
        if (old.rotatedToId) throw conflict("the key has already been regenerated");
        assertEditable(old, now, "regenerated");
        successor = await this.issuer.insert(
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
            rateLimits: old.rateLimits,
            identityId: old.identityId,
            // The successor starts where the old key stands: regenerating never mints credits.
            credits: old.credits,
            creditsRefilledAt: old.creditsRefilledAt,
            metadata: old.metadata,
            createdBy: caller.principal.actor.id,
            rotatedFromId: old.id,
            enabled: old.enabled,
          },
          prepared,
        );
        old.rotatedToId = successor.id;
        // The credits move to the successor; in its grace period the old key spends from there.
        Object.assign(old, { creditsRemaining: null, creditsRefillAmount: null, creditsRefillInterval: null, creditsRefillDayOfMonth: null, creditsRefilledAt: null });
        old.revokedAt = new Date(now + grace * 1000);
        old.revokedReason = "regenerated";
        if (grace === 0) await revocationTold(tx, tenantId, old);
      },
      {
        extraChanges: { gracePeriodSeconds: { before: null, after: grace } },
        eventData: () => ({ successor: keyEventKey(successor!), gracePeriodSeconds: grace }),
      },
    );
    return { apiKey: successor!, secret: prepared.generated.key };
  }

  /**
   * A leak reported of this key (its full secret verified): the tenant's leakedKeyAction is
   * applied, audited as KEY_LEAKED and sent as a KEY_LEAKED event. A key already revoked stays as it is.
   */
  async respondToLeak(tenantId: string, caller: Caller, id: string, leak: { source: string; url: string | null }): Promise<{ apiKey: ApiKey; action: LeakedKeyAction }> {
    const { leakedKeyAction: action } = await this.policies.get(tenantId);
    const now = Date.now();
    const apiKey = await this.change(
      tenantId,
      caller,
      id,
      AuditAction.KEY_LEAKED,
      async (key, tx) => {
        if (deriveStatus(key, now) === ApiKeyStatus.REVOKED) return;
        if (action === LeakedKeyAction.REVOKE) {
          key.revokedAt = new Date(now);
          key.revokedReason = `leaked (${leak.source})`;
          await revocationTold(tx, tenantId, key);
        }
        if (action === LeakedKeyAction.DISABLE) key.enabled = false;
      },
      {
        extraChanges: { leak: { before: null, after: { source: leak.source, url: leak.url, action } } },
        eventData: () => ({ source: leak.source, url: leak.url, action }),
        evenIfStronger: true,
      },
    );
    return { apiKey, action };
  }

  /**
   * One audited edit of a locked key, telling every instance. No acting on a stronger key: a
   * principal may change a key only if it holds every `keys` and `platform` grant the key holds.
   */
  private async change(
    tenantId: string,
    caller: Caller,
    id: string,
    action: KeyChange,
    edit: AuditedEdit<ApiKey>["edit"],
    options: ChangeOptions = {},
  ): Promise<ApiKey> {
    const { extraChanges, eventData = () => ({}), evenIfStronger = false } = options;
    const keyId = requireUuid(id, "id");
    // Read before the transaction: the embedded database runs one at a time, on one connection.
    const catalog = await this.catalog.view(tenantId);
    return this.transactions.run(async (tx: Transaction) => {
      const key = await auditedEdit(this.audit, tx, caller, {
        tenantId,
        action,
        targetType: "ApiKey",
        fields: AUDITED_FIELDS,
        lock: (manager) => lockKey(manager, tenantId, keyId),
        edit: (row, transaction) => {
          if (!evenIfStronger) assertNotStronger(catalog, row, caller);
          return edit(row, transaction);
        },
        save: saveKey,
        invalidation: (row) => ({ kind: "key", keyId: row.id, tenantId }),
        extraChanges,
      });
      await this.outbox.record(tx, { tenantId, type: KEY_EVENTS[action], keyId: key.id, data: { key: keyEventKey(key), ...eventData() } });
      return key;
    });
  }
}

/** Refuses (FORBIDDEN, recorded as DENIED) a caller that lacks some of the key's `keys` or `platform` grants. */
function assertNotStronger(catalog: CatalogView, key: ApiKey, caller: Caller): void {
  if (caller.principal.kind === PrincipalKind.ROOT) return;
  const stronger = key.scopes.filter((scope) => firstEscalation(catalog, [scope], caller.principal.grants));
  if (stronger.length > 0) {
    throw forbidden("Not allowed: the key holds keys or platform grants you do not hold", { requiredScopes: stronger, targetId: key.id });
  }
}

/** SELECT ... FOR UPDATE with the key's grants and bindings, in one statement. */
async function lockKey(manager: EntityManager, tenantId: string, id: string): Promise<ApiKey> {
  const query = manager
    .getRepository(ApiKey)
    .createQueryBuilder("k")
    .where("k.tenant_id = :tenantId AND k.id = :id", { tenantId, id })
    .setLock("pessimistic_write");
  const { keys } = await keysWithRelations(query);
  if (keys.length === 0) throw notFound("API key");
  return keys[0];
}

async function saveKey(manager: EntityManager, key: ApiKey): Promise<void> {
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
      rateLimits: key.rateLimits as never,
      identityId: key.identityId,
      creditsRemaining: key.creditsRemaining,
      creditsRefillAmount: key.creditsRefillAmount,
      creditsRefillInterval: key.creditsRefillInterval,
      creditsRefillDayOfMonth: key.creditsRefillDayOfMonth,
      creditsRefilledAt: key.creditsRefilledAt,
      rotatedToId: key.rotatedToId,
      metadata: key.metadata as never,
      updatedAt: key.updatedAt,
    },
  );
}

/**
 * Validates grants against the catalog; in the reserved namespaces a principal may add only what
 * it holds itself (root holds everything).
 */
function grantable(tenantId: string, catalog: CatalogView, requested: readonly string[], current: readonly string[], caller: Caller): string[] {
  const scopes = validateGrants(catalog, requested, "scopes");
  if (caller.principal.kind !== PrincipalKind.ROOT) {
    const added = scopes.filter((scope) => !current.includes(scope));
    if (firstEscalation(catalog, added, caller.principal.grants)) throw forbidden(ESCALATION);
  }
  // platform grants are root's: only keys of the platform tenant hold them, whoever grants.
  const platformGrant = tenantId === PLATFORM_TENANT_ID ? -1 : requested.findIndex((scope) => scope.startsWith(`${PLATFORM_NAMESPACE}:`));
  if (platformGrant >= 0) throw badInput(`scopes[${platformGrant}]`, "platform grants are held only by keys of the platform tenant");
  return scopes;
}

/** Revoked, expired and superseded keys are final: they cannot be edited, enabled or regenerated. */
function assertEditable(key: ApiKey, now: number, verb: string): void {
  const status = deriveStatus(key, now);
  if (status === ApiKeyStatus.REVOKED) throw conflict(`a revoked key cannot be ${verb}`);
  if (status === ApiKeyStatus.EXPIRED) throw conflict(`an expired key cannot be ${verb}`);
  if (key.rotatedToId) throw conflict(`a key that has been regenerated cannot be ${verb}; use its successor`);
}

/** The deprecated single limit lives on as the limit named `default`: set it (or, with null, remove it). */
function withDefaultLimit(limits: readonly NamedLimit[], rateLimit: KeyRateLimitInput | null | undefined): NamedLimit[] {
  if (rateLimit === undefined) return [...limits];
  const others = limits.filter((limit) => limit.name !== DEFAULT_LIMIT_NAME);
  if (rateLimit === null) return others;
  return validateNamedLimits([...others, { name: DEFAULT_LIMIT_NAME, limit: rateLimit.limit, windowSeconds: rateLimit.windowSeconds, autoApply: true }], "rateLimit");
}

function newCredits(input: CreditsInput | null | undefined): Credits | null {
  if (!input) return null;
  const refill = normalizedRefill(input.refill);
  assertCredits({ remaining: input.remaining, refill });
  return { remaining: input.remaining, refill };
}

/**
 * Sets or adds to a key's credits (on the locked row, so no check spends in between); a refill
 * given replaces the refill. Setting the count restarts the refill clock, so a refill already due
 * does not overwrite what was just set. null removes the credits: checks then spend nothing.
 */
function changeCredits(key: ApiKey, input: UpdateCreditsInput | null, now: number): void {
  if (input === null) {
    Object.assign(key, { creditsRemaining: null, creditsRefillAmount: null, creditsRefillInterval: null, creditsRefillDayOfMonth: null, creditsRefilledAt: null });
    return;
  }
  if (input.refill !== undefined) {
    const refill = normalizedRefill(input.refill);
    assertCredits({ refill });
    key.creditsRefillAmount = refill?.amount ?? null;
    key.creditsRefillInterval = refill?.interval ?? null;
    key.creditsRefillDayOfMonth = refill?.dayOfMonth ?? null;
  }
  if (input.remaining != null) {
    assertCredits({ remaining: input.remaining });
    key.creditsRemaining = input.remaining;
    key.creditsRefilledAt = new Date(now);
  } else if (input.add != null) {
    if (!Number.isSafeInteger(input.add)) throw badInput("credits.add", "must be a whole number");
    key.creditsRemaining = Math.max(0, (key.creditsRemaining ?? 0) + input.add);
    key.creditsRefilledAt ??= new Date(now);
  } else if (key.creditsRemaining === null) {
    // Credits given only a refill start full.
    key.creditsRemaining = key.creditsRefillAmount ?? 0;
    key.creditsRefilledAt = new Date(now);
  }
}

/** The identity exists in this tenant (and cannot be deleted before the transaction ends); NOT_FOUND otherwise. */
async function assertIdentity(manager: EntityManager, tenantId: string, identityId: string): Promise<void> {
  const rows: unknown[] = await manager.query("SELECT 1 FROM identities WHERE tenant_id = $1 AND id = $2 FOR SHARE", [tenantId, identityId]);
  if (rows.length === 0) throw notFound("Identity");
}
