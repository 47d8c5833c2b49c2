import { type KeyObject, createPublicKey } from "node:crypto";
import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import type { DataSource } from "typeorm";
import { ActorKind } from "../audit/audit-event.entity";
import type { InvalidationBus } from "../db/invalidation-bus";
import { BoundedCache } from "../common/bounded-cache";
import { unauthenticated } from "../common/errors";
import { GrantSet } from "../core/scope-evaluator";
import { Tenant, TenantStatus } from "../tenants/tenant.entity";
import { INVALID_TOKEN } from "./authenticator";
import { type Principal, PrincipalKind } from "../principals/principal";


interface IssuerEntry {
  tenantId: string;
  suspended: boolean;
  audience: string;
  algorithms: string[];
  scopeClaim: string;
  key: KeyObject | JWTVerifyGetKey;
}

/** The grants a token carries: a space-separated string (OAuth `scope`) or an array of strings. */
export function scopesFromClaim(payload: JWTPayload, claim: string): string[] {
  const value = payload[claim];
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return [];
}

/**
 * JWTs from tenants' identity providers. The token's issuer selects the tenant; the signature is
 * checked with that tenant's registered key (PEM) or JWKS, with its pinned algorithms only, so no
 * tenant's settings can mint tokens for another.
 */
export class JwtVerifier {
  /** Bounded: the issuer comes from an unverified token, so anyone can make up new ones. */
  private readonly issuers = new BoundedCache<string, IssuerEntry | null>(1_000, 60_000);

  constructor(
    private readonly dataSource: DataSource,
    bus: InvalidationBus,
  ) {
    bus.onInvalidation((invalidation) => {
      if (invalidation.kind === "tenant") this.issuers.clear();
    });
    bus.onHealthChange(() => this.issuers.clear());
  }

  async verify(token: string): Promise<Principal> {
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw unauthenticated(INVALID_TOKEN);
    }
    const entry = issuer ? await this.issuer(issuer) : null;
    if (!issuer || !entry) throw unauthenticated(INVALID_TOKEN);
    let payload: JWTPayload;
    try {
      const options = { issuer, audience: entry.audience, algorithms: entry.algorithms };
      const result =
        typeof entry.key === "function"
          ? await jwtVerify(token, entry.key, options)
          : await jwtVerify(token, entry.key, options);
      payload = result.payload;
    } catch {
      throw unauthenticated(INVALID_TOKEN);
    }
    const scopes = scopesFromClaim(payload, entry.scopeClaim);
    const subject = payload.sub ?? "unknown";
    const label = typeof payload.name === "string" ? payload.name : subject;
    return {
      kind: PrincipalKind.TENANT,
      tenantId: entry.tenantId,
      tenantSuspended: entry.suspended,
      keyId: null,
      name: label,
      scopes,
      grants: GrantSet.of(scopes),
      actor: { kind: ActorKind.TENANT_JWT, id: subject, label },
    };
  }

  private async issuer(issuer: string): Promise<IssuerEntry | null> {
    const cached = this.issuers.get(issuer);
    if (cached !== undefined) return cached;
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ jwtIssuerUrl: issuer });
    const entry = tenant ? toEntry(tenant) : null;
    this.issuers.set(issuer, entry);
    return entry;
  }
}

function toEntry(tenant: Tenant): IssuerEntry | null {
  const settings = tenant.jwtIssuer;
  if (!settings || settings.algorithms.length === 0) return null;
  let key: KeyObject | JWTVerifyGetKey;
  if (settings.jwksUrl) key = createRemoteJWKSet(new URL(settings.jwksUrl));
  else if (settings.publicKeyPem) key = createPublicKey(settings.publicKeyPem);
  else return null;
  return {
    tenantId: tenant.id,
    suspended: tenant.status === TenantStatus.SUSPENDED,
    audience: settings.audience,
    algorithms: settings.algorithms,
    scopeClaim: settings.scopeClaim,
    key,
  };
}
