import { type KeyObject, createPublicKey } from "node:crypto";
import type http from "node:http";
import type https from "node:https";
import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import type { DataSource } from "typeorm";
import { EVERY_ENTRY, type InvalidationBus, keepCoherent } from "../db/invalidation-bus";
import { GuardedCache } from "../common/guarded-cache";
import { unauthenticated } from "../common/errors";
import { holdableGrants } from "../core/grant-validation";
import { GrantSet } from "../core/scope-evaluator";
import { TenantStatus } from "../core/tenancy";
import type { CatalogService } from "../scopes/catalog.service";
import { Tenant } from "../tenants/tenant.entity";
import { ActorKind, type Principal, PrincipalKind } from "../principals/principal";


/** Remembered for issuers no tenant registered (anyone can make up new ones: the cache is bounded). */
const NO_ISSUER = Symbol("no issuer");

/** One message for every refused token, so a caller learns nothing about why. */
export const INVALID_TOKEN = "Invalid token";

interface IssuerEntry {
  tenantId: string;
  suspended: boolean;
  audience: string;
  algorithms: string[];
  scopeClaim: string;
  maxTokenLifetimeSeconds: number;
  key: KeyObject | JWTVerifyGetKey;
}

/** How far in the future a token's iat may lie (clocks differ a little). */
const IAT_SKEW_SECONDS = 60;

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
  private readonly issuers = new GuardedCache<string, IssuerEntry | typeof NO_ISSUER>({ maxEntries: 1_000 });

  constructor(
    private readonly dataSource: DataSource,
    bus: InvalidationBus,
    private readonly catalog: CatalogService,
    /** JWKS are fetched through these: https to global addresses, or to what JWKS_ALLOW opens. */
    private readonly agents: { http: http.Agent; https: https.Agent },
  ) {
    // Entries are keyed by issuer, not tenant: any tenant change may move an issuer.
    keepCoherent(bus, this.issuers, (invalidation) => (invalidation.kind === "tenant" ? EVERY_ENTRY : undefined));
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
      const options = { issuer, audience: entry.audience, algorithms: entry.algorithms, requiredClaims: ["exp"] };
      const result =
        typeof entry.key === "function"
          ? await jwtVerify(token, entry.key, options)
          : await jwtVerify(token, entry.key, options);
      payload = result.payload;
    } catch {
      throw unauthenticated(INVALID_TOKEN);
    }
    if (!withinLifetime(payload, entry.maxTokenLifetimeSeconds, Date.now() / 1000)) throw unauthenticated(INVALID_TOKEN);
    // Claim grants are held to what a key of the tenant could hold: the catalog's, never the platform's.
    const scopes = holdableGrants(await this.catalog.view(entry.tenantId), scopesFromClaim(payload, entry.scopeClaim));
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
    const entry = await this.issuers.getOrLoad(issuer, async () => {
      const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ jwtIssuerUrl: issuer });
      return (tenant && toEntry(tenant, this.agents)) ?? NO_ISSUER;
    });
    return entry === NO_ISSUER || entry === undefined ? null : entry;
  }
}

/** exp is required; the token lives at most the issuer's limit (exp - iat, or exp - now); iat is not in the future. */
export function withinLifetime(payload: JWTPayload, maxLifetimeSeconds: number, now: number): boolean {
  if (typeof payload.exp !== "number") return false;
  if (payload.iat !== undefined && (typeof payload.iat !== "number" || payload.iat > now + IAT_SKEW_SECONDS)) return false;
  return payload.exp - (payload.iat ?? now) <= maxLifetimeSeconds;
}

function toEntry(tenant: Tenant, agents: { http: http.Agent; https: https.Agent }): IssuerEntry | null {
  const settings = tenant.jwtIssuer;
  if (!settings || settings.algorithms.length === 0) return null;
  let key: KeyObject | JWTVerifyGetKey;
  if (settings.jwksUrl) {
    const url = new URL(settings.jwksUrl);
    key = createRemoteJWKSet(url, { agent: url.protocol === "https:" ? agents.https : agents.http, timeoutDuration: 5_000 });
  }
  else if (settings.publicKeyPem) key = createPublicKey(settings.publicKeyPem);
  else return null;
  return {
    tenantId: tenant.id,
    suspended: tenant.status === TenantStatus.SUSPENDED,
    audience: settings.audience,
    algorithms: settings.algorithms,
    scopeClaim: settings.scopeClaim,
    maxTokenLifetimeSeconds: settings.maxTokenLifetimeSeconds,
    key,
  };
}
