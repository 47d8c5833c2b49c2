import { createPublicKey } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { AuditAction } from "../audit/audit-event.entity";
import type { AuditService } from "../audit/audit.service";
import { auditedEdit } from "../audit/audited-edit";
import type { Caller } from "../principals/principal";
import { badInput, conflict, notFound } from "../common/errors";
import { newId, requireUuid } from "../common/ids";
import { cursorDate, cursorId, decodeCursor, pageSize, toPage } from "../common/pagination";
import { isPresent } from "../common/validation";
import { isUniqueViolation } from "../common/database-errors";
import type { Transactions } from "../db/transactions";
import type { ApiKey } from "../keys/api-key.entity";
import { DEFAULT_KEY_PREFIX } from "../core/key-format";
import { type KeyIssuer, administrativeKey } from "../keys/key-issuer";
import { TENANT_ADMIN_SCOPES } from "../core/reserved-scopes";
import { PLATFORM_TENANT_ID, PLATFORM_TENANT_SLUG, TenantStatus } from "../core/tenancy";
import { Tenant } from "./tenant.entity";
import type { CreateTenantInput, JwtIssuerInput, TenantPolicyInput, UpdateTenantInput, UpdateTenantSettingsInput } from "./tenant.inputs";

export const TENANT_DEFAULT_POLICY = { maxTtlDays: 365, requireExpiry: false, expiringSoonDays: 30, wildcardMaxTtlDays: 7 };

const AUDITED_FIELDS = [
  "name",
  "keyPrefix",
  "status",
  "maxTtlDays",
  "requireExpiry",
  "expiringSoonDays",
  "wildcardMaxTtlDays",
  "jwtIssuerUrl",
  "jwtAudience",
  "jwtJwksUrl",
  "jwtPublicKeyPem",
  "jwtAlgorithms",
  "jwtScopeClaim",
  "jwtMaxTokenLifetimeSeconds",
  "leakedKeyAction",
] as const;

function applyPolicy(tenant: Tenant, policy: TenantPolicyInput | undefined): void {
  if (!policy) return;
  for (const field of ["maxTtlDays", "requireExpiry", "expiringSoonDays", "wildcardMaxTtlDays"] as const) {
    const value = policy[field];
    if (value !== undefined && value !== null) Object.assign(tenant, { [field]: value });
  }
  if (tenant.wildcardMaxTtlDays > tenant.maxTtlDays) {
    throw badInput("policy.wildcardMaxTtlDays", "must not exceed maxTtlDays");
  }
}

/** A tenant without an identity provider: no JWT is accepted for it. */
const NO_JWT_ISSUER = {
  jwtIssuerUrl: null,
  jwtAudience: null,
  jwtJwksUrl: null,
  jwtPublicKeyPem: null,
  jwtAlgorithms: [],
  jwtScopeClaim: "scope",
  jwtMaxTokenLifetimeSeconds: 86_400,
} as const;

/**
 * The identity provider whose tokens are the tenant's principals. Keys are fetched from jwksUrl
 * over https only, unless the operator opened on-premises addresses with JWKS_ALLOW (then http is
 * accepted here, and every fetch still checks the address it connects to).
 */
function applyJwtIssuer(tenant: Tenant, issuer: JwtIssuerInput | null, plainHttpJwks: boolean): void {
  if (issuer === null) {
    Object.assign(tenant, NO_JWT_ISSUER, { jwtAlgorithms: [] });
    return;
  }
  const hasJwks = Boolean(issuer.jwksUrl);
  const hasPem = Boolean(issuer.publicKeyPem);
  if (hasJwks === hasPem) throw badInput("jwtIssuer", "give exactly one of jwksUrl and publicKeyPem");
  if (issuer.algorithms.length === 0) throw badInput("jwtIssuer.algorithms", "must name at least one algorithm");
  if (issuer.jwksUrl && new URL(issuer.jwksUrl).protocol !== "https:" && !plainHttpJwks) {
    throw badInput("jwtIssuer.jwksUrl", "must be an https URL");
  }
  if (issuer.publicKeyPem) {
    try {
      createPublicKey(issuer.publicKeyPem);
    } catch {
      throw badInput("jwtIssuer.publicKeyPem", "must be a PEM-encoded public key");
    }
  }
  Object.assign(tenant, {
    jwtIssuerUrl: issuer.issuer,
    jwtAudience: issuer.audience.trim(),
    jwtJwksUrl: issuer.jwksUrl ?? null,
    jwtPublicKeyPem: issuer.publicKeyPem ?? null,
    jwtAlgorithms: [...new Set(issuer.algorithms)],
    jwtScopeClaim: issuer.scopeClaim ?? "scope",
    jwtMaxTokenLifetimeSeconds: issuer.maxTokenLifetimeSeconds ?? 86_400,
  });
}

export class TenantService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly issuer: KeyIssuer,
    private readonly audit: AuditService,
    /** JWKS_ALLOW is set: http JWKS URLs are accepted (their fetches reach only the allowed addresses). */
    private readonly plainHttpJwks = false,
  ) {}

  async get(id: string): Promise<Tenant> {
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ id: requireUuid(id, "id") });
    if (!tenant) throw notFound("Tenant");
    return tenant;
  }

  async list(first?: number | null, after?: string | null) {
    const size = pageSize(first);
    const query = this.dataSource
      .getRepository(Tenant)
      .createQueryBuilder("tenant")
      .orderBy("tenant.created_at", "DESC")
      .addOrderBy("tenant.id", "DESC")
      .limit(size + 1);
    if (after) {
      const [createdAt, id] = decodeCursor(after, 2);
      query.where("(tenant.created_at, tenant.id) < (:createdAt, :id)", { createdAt: cursorDate(createdAt), id: cursorId(id) });
    }
    return toPage(await query.getMany(), size, (tenant) => [tenant.createdAt.toISOString(), tenant.id]);
  }

  /** Creates the tenant and its first admin key (keys:*), whose secret is returned once. */
  async create(caller: Caller, input: CreateTenantInput): Promise<{ tenant: Tenant; adminKey: { apiKey: ApiKey; secret: string } }> {
    if (input.slug === PLATFORM_TENANT_SLUG) throw conflict("the slug platform is reserved");
    const now = new Date();
    const tenant = Object.assign(new Tenant(), {
      id: newId(now.getTime()),
      slug: input.slug,
      name: input.name.trim(),
      status: TenantStatus.ACTIVE,
      keyPrefix: input.keyPrefix ?? DEFAULT_KEY_PREFIX,
      ...TENANT_DEFAULT_POLICY,
      ...NO_JWT_ISSUER,
      jwtAlgorithms: [],
      createdAt: now,
      updatedAt: now,
    });
    applyPolicy(tenant, input.policy);
    if (input.jwtIssuer) applyJwtIssuer(tenant, input.jwtIssuer, this.plainHttpJwks);
    const prepared = await this.issuer.prepare(tenant.keyPrefix);
    return this.transactions.run(async (tx) => {
      await this.insertTenant(tx.manager, tenant);
      const apiKey = await this.issuer.insert(
        tx.manager,
        administrativeKey({
          tenantId: tenant.id,
          name: "Admin key",
          description: "Created with the tenant",
          scopes: TENANT_ADMIN_SCOPES,
          createdBy: caller.principal.actor.id,
        }),
        prepared,
      );
      await this.audit.record(tx.manager, caller, {
        tenantId: tenant.id,
        action: AuditAction.TENANT_CREATED,
        targetType: "Tenant",
        targetId: tenant.id,
        changes: { slug: { before: null, after: tenant.slug }, name: { before: null, after: tenant.name }, adminKeyId: { before: null, after: apiKey.id } },
      });
      return { tenant, adminKey: { apiKey, secret: prepared.generated.key } };
    });
  }

  async update(caller: Caller, input: UpdateTenantInput): Promise<Tenant> {
    return this.change(caller, input.id, AuditAction.TENANT_UPDATED, (tenant) => {
      if (isPresent(input.name) && input.name !== null) tenant.name = input.name.trim();
      if (isPresent(input.keyPrefix) && input.keyPrefix !== null) tenant.keyPrefix = input.keyPrefix;
      applyPolicy(tenant, input.policy ?? undefined);
      if (isPresent(input.jwtIssuer)) applyJwtIssuer(tenant, input.jwtIssuer, this.plainHttpJwks);
      if (input.leakedKeyAction) tenant.leakedKeyAction = input.leakedKeyAction;
    });
  }

  /** The settings a tenant changes itself (its principal holds every keys scope). */
  async updateSettings(caller: Caller, tenantId: string, input: UpdateTenantSettingsInput): Promise<Tenant> {
    return this.change(caller, tenantId, AuditAction.TENANT_UPDATED, (tenant) => {
      if (input.leakedKeyAction) tenant.leakedKeyAction = input.leakedKeyAction;
    });
  }

  async suspend(caller: Caller, id: string): Promise<Tenant> {
    return this.change(caller, id, AuditAction.TENANT_SUSPENDED, (tenant) => {
      if (tenant.id === PLATFORM_TENANT_ID) throw conflict("the platform tenant cannot be suspended");
      if (tenant.status === TenantStatus.SUSPENDED) throw conflict("the tenant is already suspended");
      tenant.status = TenantStatus.SUSPENDED;
    });
  }

  async resume(caller: Caller, id: string): Promise<Tenant> {
    return this.change(caller, id, AuditAction.TENANT_RESUMED, (tenant) => {
      if (tenant.status === TenantStatus.ACTIVE) throw conflict("the tenant is not suspended");
      tenant.status = TenantStatus.ACTIVE;
    });
  }

  /** One audited edit of the locked tenant, telling every instance. */
  private change(caller: Caller, id: string, action: AuditAction, edit: (tenant: Tenant) => void): Promise<Tenant> {
    const tenantId = requireUuid(id, "id");
    return this.transactions.run((tx) =>
      auditedEdit(this.audit, tx, caller, {
        tenantId,
        action,
        targetType: "Tenant",
        fields: AUDITED_FIELDS,
        lock: async (manager) => {
          const tenant = await manager.getRepository(Tenant).findOne({ where: { id: tenantId }, lock: { mode: "pessimistic_write" } });
          if (!tenant) throw notFound("Tenant");
          return tenant;
        },
        edit,
        save: async (manager, tenant) => {
          try {
            await manager.getRepository(Tenant).save(tenant, { reload: false });
          } catch (error) {
            if (isUniqueViolation(error, "tenants_jwt_issuer_key")) throw conflict("another tenant already uses this JWT issuer");
            throw error;
          }
        },
        invalidation: (tenant) => ({ kind: "tenant", tenantId: tenant.id }),
      }),
    );
  }

  private async insertTenant(manager: EntityManager, tenant: Tenant): Promise<void> {
    try {
      await manager.insert(Tenant, tenant);
    } catch (error) {
      if (isUniqueViolation(error, "tenants_slug_key")) throw conflict(`the slug ${tenant.slug} is taken`);
      if (isUniqueViolation(error, "tenants_jwt_issuer_key")) throw conflict("another tenant already uses this JWT issuer");
      throw error;
    }
  }
}
