import { GraphQLJSONObject, GraphQLSafeInt } from "graphql-scalars";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { ApiKeyStatus, deriveStatus } from "../core/key-status";
import { maskKey } from "../core/key-format";

registerEnumType(ApiKeyStatus, { name: "ApiKeyStatus" });

@ObjectType({ simpleResolvers: true, description: "How many checks a key may pass per window." })
export class KeyRateLimit {
  @Field(() => Int)
  limit!: number;

  @Field(() => Int)
  windowSeconds!: number;
}

const bigintAsNumber = { to: (value: number) => value, from: (value: string | null) => Number(value ?? 0) };

@ObjectType({ simpleResolvers: true, description: "An API key. Its secret is never stored or shown again after creation." })
@Entity({ name: "api_keys" })
export class ApiKey {
  @Field(() => ID)
  @PrimaryColumn("uuid")
  id!: string;

  @Column("uuid", { name: "tenant_id" })
  tenantId!: string;

  @Field()
  @Column("text")
  name!: string;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true, description: "The key's owner in the tenant's own system." })
  @Column("text", { name: "external_id", nullable: true })
  externalId!: string | null;

  @Field()
  @Column("text")
  prefix!: string;

  @Column("text", { name: "lookup_id" })
  lookupId!: string;

  @Column("text", { name: "secret_hash" })
  secretHash!: string;

  @Column("text")
  last4!: string;

  @Field()
  @Column("boolean")
  enabled!: boolean;

  @Field(() => Date, { nullable: true })
  @Column("timestamptz", { name: "expires_at", nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "When the key stops working; in the future during a grace period." })
  @Column("timestamptz", { name: "revoked_at", nullable: true })
  revokedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column("text", { name: "revoked_reason", nullable: true })
  revokedReason!: string | null;

  @Field({ description: "The principal that created the key." })
  @Column("text", { name: "created_by" })
  createdBy!: string;

  @Field()
  @Column("timestamptz", { name: "created_at" })
  createdAt!: Date;

  @Field()
  @Column("timestamptz", { name: "updated_at" })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column("timestamptz", { name: "last_used_at", nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => GraphQLSafeInt, { description: "Successful checks and authentications; written behind, within seconds." })
  @Column("bigint", { name: "usage_count", transformer: bigintAsNumber })
  usageCount!: number;

  @Field(() => [String], { description: "IPv4/IPv6 CIDRs, or LOCAL_ONLY for loopback only; empty allows any address." })
  @Column("text", { name: "allowed_cidrs", array: true })
  allowedCidrs!: string[];

  @Column("int", { name: "rate_limit", nullable: true })
  rateLimitLimit!: number | null;

  @Column("int", { name: "rate_limit_window_seconds", nullable: true })
  rateLimitWindowSeconds!: number | null;

  @Field(() => ID, { nullable: true })
  @Column("uuid", { name: "rotated_from_id", nullable: true })
  rotatedFromId!: string | null;

  @Field(() => ID, { nullable: true })
  @Column("uuid", { name: "rotated_to_id", nullable: true })
  rotatedToId!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Column("jsonb", { nullable: true })
  metadata!: Record<string, unknown> | null;

  /** Loaded from permission_grants by the service. */
  @Field(() => [String])
  scopes: string[] = [];

  /** Loaded from api_key_subscriptions by the service. */
  @Field(() => [ID])
  subscriptionIds: string[] = [];

  @Field({ description: "Prefix, lookup id and the last four characters: safe to display." })
  get maskedKey(): string {
    return maskKey(this.prefix, this.lookupId, this.last4);
  }

  @Field(() => ApiKeyStatus)
  get status(): ApiKeyStatus {
    return deriveStatus(this);
  }

  @Field(() => KeyRateLimit, { nullable: true })
  get rateLimit(): KeyRateLimit | null {
    if (this.rateLimitLimit === null || this.rateLimitWindowSeconds === null) return null;
    return { limit: this.rateLimitLimit, windowSeconds: this.rateLimitWindowSeconds };
  }
}
