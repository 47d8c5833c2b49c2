import { GraphQLJSONObject, GraphQLSafeInt } from "graphql-scalars";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import type { RefillInterval } from "../core/credits";
import { ApiKeyStatus, deriveStatus } from "../core/key-status";
import { maskKey } from "../core/key-format";
import { DEFAULT_LIMIT_NAME, type NamedLimit } from "../core/named-limits";
import { NamedRateLimitType } from "../limits/named-limit.types";
import { KeyCredits } from "./key-credits.types";

registerEnumType(ApiKeyStatus, { name: "ApiKeyStatus" });

@ObjectType({ simpleResolvers: true, description: "How many checks a key may pass per window (its limit named `default`)." })
export class KeyRateLimit {
  @Field(() => Int)
  limit!: number;

  @Field(() => Int)
  windowSeconds!: number;
}

const bigintAsNumber = { to: (value: number) => value, from: (value: string | null) => Number(value ?? 0) };
const nullableBigint = { to: (value: number | null) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

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

  @Field(() => [NamedRateLimitType], { description: "Its named rate limits (an identity's limits of other names apply too)." })
  @Column("jsonb", { name: "rate_limits" })
  rateLimits!: NamedLimit[];

  @Field(() => ID, { nullable: true, description: "The identity (customer or user) that owns the key." })
  @Column("uuid", { name: "identity_id", nullable: true })
  identityId!: string | null;

  @Column("bigint", { name: "credits_remaining", nullable: true, transformer: nullableBigint })
  creditsRemaining!: number | null;

  @Column("bigint", { name: "credits_refill_amount", nullable: true, transformer: nullableBigint })
  creditsRefillAmount!: number | null;

  @Column("text", { name: "credits_refill_interval", nullable: true })
  creditsRefillInterval!: RefillInterval | null;

  @Column("smallint", { name: "credits_refill_day_of_month", nullable: true })
  creditsRefillDayOfMonth!: number | null;

  @Column("timestamptz", { name: "credits_refilled_at", nullable: true })
  creditsRefilledAt!: Date | null;

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

  @Field(() => KeyRateLimit, { nullable: true, deprecationReason: "Use rateLimits: this is the limit named `default`. Removed in the next release." })
  get rateLimit(): KeyRateLimit | null {
    const named = this.rateLimits.find((limit) => limit.name === DEFAULT_LIMIT_NAME);
    return named ? { limit: named.limit, windowSeconds: named.windowSeconds } : null;
  }

  @Field(() => KeyCredits, { nullable: true, description: "What the key may still spend; null: checks spend nothing." })
  get credits(): KeyCredits | null {
    if (this.creditsRemaining === null) return null;
    const refill =
      this.creditsRefillInterval && this.creditsRefillAmount !== null
        ? { amount: this.creditsRefillAmount, interval: this.creditsRefillInterval, dayOfMonth: this.creditsRefillDayOfMonth }
        : null;
    return { remaining: this.creditsRemaining, refill };
  }
}
