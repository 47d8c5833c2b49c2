import type { GrantSet } from "../core/scope-evaluator";

export enum PrincipalKind {
  ROOT = "ROOT",
  TENANT = "TENANT",
}

/** Who acted, as audit events record it. */
export enum ActorKind {
  ROOT = "ROOT",
  TENANT_KEY = "TENANT_KEY",
  TENANT_JWT = "TENANT_JWT",
  SYSTEM = "SYSTEM",
}

/** Who is calling: the platform root, or a principal (API key or JWT) of one tenant. */
export interface Principal {
  kind: PrincipalKind;
  tenantId: string;
  /** A suspended tenant's principals may call checkKey and nothing else. */
  tenantSuspended: boolean;
  /** The API key used, or null for a JWT. */
  keyId: string | null;
  name: string;
  scopes: readonly string[];
  grants: GrantSet;
  actor: { kind: ActorKind; id: string; label: string };
}

/** Where a request came from, recorded with every audit event. */
export interface RequestMeta {
  requestId: string;
  ip: string;
  userAgent: string | null;
}

/** The principal and its request: what every mutating service method needs to act and to audit. */
export interface Caller {
  principal: Principal;
  request: RequestMeta;
}
