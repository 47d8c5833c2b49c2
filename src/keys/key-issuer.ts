import type { EntityManager } from "typeorm";
import { newId } from "../common/ids";
import { insertRow } from "../db/transactions";
import { ApiKey } from "./api-key.entity";
import type { Credits } from "../core/credits";
import { type GeneratedKey, generateKey } from "../core/key-format";
import type { NamedLimit } from "../core/named-limits";
import { KeySubscription } from "./key-subscription.entity";
import { PermissionGrant } from "./permission-grant.entity";
import type { SecretHasher } from "./secret-hasher";

/** A new key's secret and its hash, made before the transaction: bcrypt never runs inside one. */
export interface PreparedSecret {
  generated: GeneratedKey;
  hash: string;
}

export interface NewKey {
  tenantId: string;
  name: string;
  description: string | null;
  externalId: string | null;
  expiresAt: Date | null;
  scopes: readonly string[];
  subscriptionIds: readonly string[];
  allowedCidrs: readonly string[];
  rateLimits: readonly NamedLimit[];
  identityId: string | null;
  credits: Credits | null;
  /** When the credits were last refilled or set (default: now). */
  creditsRefilledAt?: Date | null;
  metadata: Record<string, unknown> | null;
  createdBy: string;
  rotatedFromId: string | null;
  /** False for the successor of a disabled key: regenerating never enables. */
  enabled?: boolean;
}

/** A key Keysmith issues itself (root keys, a tenant's first admin key): no expiry, bindings or limits. */
export function administrativeKey(fields: Pick<NewKey, "tenantId" | "name" | "description" | "scopes" | "createdBy">): NewKey {
  return {
    ...fields,
    externalId: null,
    expiresAt: null,
    subscriptionIds: [],
    allowedCidrs: [],
    rateLimits: [],
    identityId: null,
    credits: null,
    metadata: null,
    rotatedFromId: null,
  };
}

/** The one way a key comes to exist: createApiKey, regenerateApiKey, createTenant and root keys all use it. */
export class KeyIssuer {
  constructor(private readonly hasher: SecretHasher) {}

  async prepare(prefix: string): Promise<PreparedSecret> {
    const generated = generateKey(prefix);
    return { generated, hash: await this.hasher.hash(generated.secret) };
  }

  async insert(manager: EntityManager, spec: NewKey, prepared: PreparedSecret): Promise<ApiKey> {
    const now = new Date();
    const key = Object.assign(new ApiKey(), {
      id: newId(now.getTime()),
      tenantId: spec.tenantId,
      name: spec.name,
      description: spec.description,
      externalId: spec.externalId,
      prefix: prepared.generated.prefix,
      lookupId: prepared.generated.lookupId,
      secretHash: prepared.hash,
      last4: prepared.generated.last4,
      enabled: spec.enabled ?? true,
      expiresAt: spec.expiresAt,
      revokedAt: null,
      revokedReason: null,
      createdBy: spec.createdBy,
      createdAt: now,
      updatedAt: now,
      lastUsedAt: null,
      usageCount: 0,
      allowedCidrs: [...spec.allowedCidrs],
      rateLimits: [...spec.rateLimits],
      identityId: spec.identityId,
      creditsRemaining: spec.credits?.remaining ?? null,
      creditsRefillAmount: spec.credits?.refill?.amount ?? null,
      creditsRefillInterval: spec.credits?.refill?.interval ?? null,
      creditsRefillDayOfMonth: spec.credits?.refill?.dayOfMonth ?? null,
      creditsRefilledAt: spec.credits ? (spec.creditsRefilledAt ?? now) : null,
      rotatedFromId: spec.rotatedFromId,
      rotatedToId: null,
      metadata: spec.metadata,
      scopes: [...spec.scopes].sort(),
      subscriptionIds: [...spec.subscriptionIds].sort(),
    });
    await insertRow(manager, ApiKey, key);
    await insertGrants(manager, key.tenantId, key.id, key.scopes);
    await insertBindings(manager, key.tenantId, key.id, key.subscriptionIds);
    return key;
  }
}

async function insertGrants(manager: EntityManager, tenantId: string, apiKeyId: string, scopes: readonly string[]): Promise<void> {
  if (scopes.length === 0) return;
  await manager.insert(
    PermissionGrant,
    scopes.map((scope) => ({ id: newId(), tenantId, apiKeyId, scope })),
  );
}

async function insertBindings(
  manager: EntityManager,
  tenantId: string,
  apiKeyId: string,
  subscriptionIds: readonly string[],
): Promise<void> {
  if (subscriptionIds.length === 0) return;
  await manager.insert(
    KeySubscription,
    subscriptionIds.map((subscriptionId) => ({ tenantId, apiKeyId, subscriptionId })),
  );
}

export async function replaceGrants(manager: EntityManager, tenantId: string, apiKeyId: string, scopes: readonly string[]): Promise<void> {
  await manager.delete(PermissionGrant, { tenantId, apiKeyId });
  await insertGrants(manager, tenantId, apiKeyId, scopes);
}

export async function replaceBindings(
  manager: EntityManager,
  tenantId: string,
  apiKeyId: string,
  subscriptionIds: readonly string[],
): Promise<void> {
  await manager.delete(KeySubscription, { tenantId, apiKeyId });
  await insertBindings(manager, tenantId, apiKeyId, subscriptionIds);
}
