import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { ActorKind } from "../audit/audit-event.entity";
import type { GrantSet } from "../core/scope-evaluator";

export enum PrincipalKind {
  ROOT = "ROOT",
  TENANT = "TENANT",
}
registerEnumType(PrincipalKind, { name: "PrincipalKind" });

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

@ObjectType("Principal", { simpleResolvers: true, description: "The caller, as Keysmith sees it." })
export class PrincipalInfo {
  @Field(() => PrincipalKind)
  kind!: PrincipalKind;

  @Field(() => ID)
  tenantId!: string;

  @Field(() => ID, { nullable: true, description: "The API key used; null for a JWT." })
  keyId!: string | null;

  @Field()
  name!: string;

  @Field(() => [String])
  scopes!: readonly string[];

  static of(principal: Principal): PrincipalInfo {
    return Object.assign(new PrincipalInfo(), {
      kind: principal.kind,
      tenantId: principal.tenantId,
      keyId: principal.keyId,
      name: principal.name,
      scopes: principal.scopes,
    });
  }
}
