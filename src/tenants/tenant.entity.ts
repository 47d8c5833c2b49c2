import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { LeakedKeyAction } from "../core/leaked-key-action";
import { TenantStatus } from "../core/tenancy";

registerEnumType(TenantStatus, { name: "TenantStatus" });

export enum JwtAlgorithm {
  RS256 = "RS256",
  ES256 = "ES256",
  EdDSA = "EdDSA",
}
registerEnumType(JwtAlgorithm, { name: "JwtAlgorithm" });

registerEnumType(LeakedKeyAction, {
  name: "LeakedKeyAction",
  description: "What is done to a key reported leaked (by GitHub secret scanning or reportLeakedKey).",
  valuesConfig: {
    REVOKE: { description: "Revoke it at once (the default)." },
    DISABLE: { description: "Disable it; someone may enable it again." },
    NOTIFY: { description: "Change nothing: audit the leak and send KEY_LEAKED for a person to act on." },
  },
});

@ObjectType({ simpleResolvers: true, description: "Rules every key of the tenant must follow." })
export class TenantPolicy {
  @Field(() => Int, { description: "The longest lifetime a key may have, in days." })
  maxTtlDays!: number;

  @Field({ description: "Whether every key must have an expiry." })
  requireExpiry!: boolean;

  @Field(() => Int, { description: "How close to its expiry an active key counts as expiring soon." })
  expiringSoonDays!: number;

  @Field(() => Int, { description: "The longest lifetime of a key holding `*:*`, in days." })
  wildcardMaxTtlDays!: number;
}

@ObjectType({ simpleResolvers: true, description: "The tenant's identity provider, whose JWTs are accepted as tenant principals." })
export class JwtIssuerSettings {
  @Field({ description: "The `iss` claim; it selects the tenant." })
  issuer!: string;

  @Field()
  audience!: string;

  @Field(() => String, { nullable: true })
  jwksUrl!: string | null;

  @Field(() => String, { nullable: true })
  publicKeyPem!: string | null;

  @Field(() => [JwtAlgorithm])
  algorithms!: JwtAlgorithm[];

  @Field({ description: "The claim that carries the principal's grants." })
  scopeClaim!: string;

  @Field(() => Int, { description: "The longest lifetime a token may have (exp - iat, or exp - now without iat)." })
  maxTokenLifetimeSeconds!: number;
}

@ObjectType({ simpleResolvers: true, description: "An organisation using the platform." })
@Entity({ name: "tenants" })
export class Tenant {
  @Field(() => ID)
  @PrimaryColumn("uuid")
  id!: string;

  @Field()
  @Column("text")
  slug!: string;

  @Field()
  @Column("text")
  name!: string;

  @Field(() => TenantStatus)
  @Column("text")
  status!: TenantStatus;

  @Field({ description: "The prefix of new keys; existing keys keep theirs." })
  @Column("text", { name: "key_prefix" })
  keyPrefix!: string;

  @Column("int", { name: "max_ttl_days" })
  maxTtlDays!: number;

  @Column("boolean", { name: "require_expiry" })
  requireExpiry!: boolean;

  @Column("int", { name: "expiring_soon_days" })
  expiringSoonDays!: number;

  @Column("int", { name: "wildcard_max_ttl_days" })
  wildcardMaxTtlDays!: number;

  @Column("text", { name: "jwt_issuer", nullable: true })
  jwtIssuerUrl!: string | null;

  @Column("text", { name: "jwt_audience", nullable: true })
  jwtAudience!: string | null;

  @Column("text", { name: "jwt_jwks_url", nullable: true })
  jwtJwksUrl!: string | null;

  @Column("text", { name: "jwt_public_key_pem", nullable: true })
  jwtPublicKeyPem!: string | null;

  @Column("text", { name: "jwt_algorithms", array: true, default: () => "'{}'" })
  jwtAlgorithms!: JwtAlgorithm[];

  @Column("text", { name: "jwt_scope_claim", default: "scope" })
  jwtScopeClaim!: string;

  @Column("int", { name: "jwt_max_token_lifetime_seconds", default: 86_400 })
  jwtMaxTokenLifetimeSeconds!: number;

  @Field(() => LeakedKeyAction, { description: "What is done to a key of the tenant reported leaked." })
  @Column("text", { name: "leaked_key_action", default: LeakedKeyAction.REVOKE })
  leakedKeyAction!: LeakedKeyAction;

  @Field()
  @Column("timestamptz", { name: "created_at" })
  createdAt!: Date;

  @Field()
  @Column("timestamptz", { name: "updated_at" })
  updatedAt!: Date;

  @Field(() => TenantPolicy)
  get policy(): TenantPolicy {
    return {
      maxTtlDays: this.maxTtlDays,
      requireExpiry: this.requireExpiry,
      expiringSoonDays: this.expiringSoonDays,
      wildcardMaxTtlDays: this.wildcardMaxTtlDays,
    };
  }

  @Field(() => JwtIssuerSettings, { nullable: true })
  get jwtIssuer(): JwtIssuerSettings | null {
    if (!this.jwtIssuerUrl || !this.jwtAudience) return null;
    return {
      issuer: this.jwtIssuerUrl,
      audience: this.jwtAudience,
      jwksUrl: this.jwtJwksUrl,
      publicKeyPem: this.jwtPublicKeyPem,
      algorithms: this.jwtAlgorithms,
      scopeClaim: this.jwtScopeClaim,
      maxTokenLifetimeSeconds: this.jwtMaxTokenLifetimeSeconds,
    };
  }
}
