import { ArrayMaxSize, IsInt, IsOptional, IsUUID, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, InputType, Int, registerEnumType } from "type-graphql";
import type { FieldError } from "../common/errors";
import { NotBlank } from "../common/validation";
import { creditErrors } from "../core/credits";
import { grantFormErrors } from "../core/grant-validation";
import { MAX_CIDRS, cidrFormErrors } from "../core/key-rules";
import { namedLimitErrors } from "../core/named-limits";
import { NamedRateLimitInput } from "../limits/named-limit.types";
import { CreditsInput, UpdateCreditsInput } from "./key-credits.types";

export const MAX_GRANTS = 200;
export const MAX_SUBSCRIPTIONS = 50;

export enum ApiKeyStatusFilter {
  ALL = "ALL",
  ACTIVE = "ACTIVE",
  EXPIRING_SOON = "EXPIRING_SOON",
  EXPIRED = "EXPIRED",
  DISABLED = "DISABLED",
  REVOKED = "REVOKED",
}
registerEnumType(ApiKeyStatusFilter, {
  name: "ApiKeyStatusFilter",
  valuesConfig: { EXPIRING_SOON: { description: "ACTIVE and expiring within the tenant's expiringSoonDays." } },
});

export enum ApiKeyOrderField {
  NAME = "NAME",
  CREATED_AT = "CREATED_AT",
  EXPIRES_AT = "EXPIRES_AT",
  CREATED_BY = "CREATED_BY",
  LAST_USED_AT = "LAST_USED_AT",
}
registerEnumType(ApiKeyOrderField, { name: "ApiKeyOrderField" });

export enum OrderDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(OrderDirection, { name: "OrderDirection" });

@InputType()
export class KeyRateLimitInput {
  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  limit!: number;

  @Field(() => Int)
  @IsInt()
  @Min(1)
  @Max(86_400)
  windowSeconds!: number;
}

interface KeyForm {
  scopes?: string[] | null;
  allowedCidrs?: string[] | null;
  rateLimit?: KeyRateLimitInput | null;
  rateLimits?: NamedRateLimitInput[] | null;
  credits?: CreditsInput | UpdateCreditsInput | null;
}

/** The forms of grants, CIDRs, limits and credits, checked with the decorators so every field at fault is reported at once. */
const keyFormErrors = (input: KeyForm): FieldError[] => [
  ...grantFormErrors(input.scopes, "scopes"),
  ...cidrFormErrors(input.allowedCidrs),
  ...namedLimitErrors(input.rateLimits, "rateLimits"),
  ...(input.rateLimit && input.rateLimits ? [{ field: "rateLimit", message: "give rateLimits or the deprecated rateLimit, not both" }] : []),
  ...(input.credits ? creditErrors({ remaining: input.credits.remaining, refill: input.credits.refill ? { dayOfMonth: null, ...input.credits.refill } : null }) : []),
  ...(input.credits && "add" in input.credits && input.credits.add != null && input.credits.remaining != null
    ? [{ field: "credits.add", message: "give remaining or add, not both" }]
    : []),
];

@InputType()
export class CreateApiKeyInput {
  static formErrors = keyFormErrors;

  @Field(() => ID, { nullable: true, description: "Root only: the tenant to create the key in." })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;

  @Field({ description: "1-100 characters, trimmed." })
  @NotBlank()
  @MaxLength(100)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  description?: string | null;

  @Field(() => String, { nullable: true, description: "The key's owner in your own system (a user or account id)." })
  @IsOptional()
  @MaxLength(200)
  externalId?: string | null;

  @Field(() => Date, { nullable: true, description: "At least one hour ahead, within the tenant's maxTtlDays." })
  @IsOptional()
  expiresAt?: Date | null;

  @Field(() => Int, { nullable: true, description: "Alternative to expiresAt: N x 24 h from now." })
  @IsOptional()
  expiresInDays?: number | null;

  @Field(() => [String], { nullable: true, description: "Grants: *:*, *:read, ns:*, ns:read or ns:Operation." })
  @IsOptional()
  @ArrayMaxSize(MAX_GRANTS)
  scopes?: string[] | null;

  @Field(() => [ID], { nullable: true, description: "Active subscriptions of the tenant to bind the key to." })
  @IsOptional()
  @ArrayMaxSize(MAX_SUBSCRIPTIONS)
  @IsUUID("all", { each: true, message: "must hold UUIDs" })
  subscriptionIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: "IPv4/IPv6 CIDRs, or LOCAL_ONLY; empty allows any address." })
  @IsOptional()
  @ArrayMaxSize(MAX_CIDRS)
  allowedCidrs?: string[] | null;

  @Field(() => KeyRateLimitInput, { nullable: true, deprecationReason: "Use rateLimits: this sets the limit named `default`." })
  @IsOptional()
  @ValidateNested()
  rateLimit?: KeyRateLimitInput | null;

  @Field(() => [NamedRateLimitInput], { nullable: true, description: "Named rate limits; checkKey applies the auto-apply ones and those it names." })
  @IsOptional()
  rateLimits?: NamedRateLimitInput[] | null;

  @Field(() => ID, { nullable: true, description: "The identity (customer or user) that owns the key; its limits apply to the key too." })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  identityId?: string | null;

  @Field(() => CreditsInput, { nullable: true, description: "Credits each check spends; without, checks spend nothing." })
  @IsOptional()
  credits?: CreditsInput | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "Your own data, returned by checkKey; at most 4 kB." })
  @IsOptional()
  metadata?: Record<string, unknown> | null;
}

@InputType({ description: "Absent fields stay unchanged; null clears a field (lists become empty)." })
export class UpdateApiKeyInput {
  static formErrors = keyFormErrors;

  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @NotBlank()
  @MaxLength(100)
  name?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  externalId?: string | null;

  @Field(() => Date, { nullable: true, description: "null: never expires (unless the tenant requires an expiry)." })
  @IsOptional()
  expiresAt?: Date | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  expiresInDays?: number | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_GRANTS)
  scopes?: string[] | null;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_SUBSCRIPTIONS)
  @IsUUID("all", { each: true, message: "must hold UUIDs" })
  subscriptionIds?: string[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_CIDRS)
  allowedCidrs?: string[] | null;

  @Field(() => KeyRateLimitInput, { nullable: true, deprecationReason: "Use rateLimits: this sets (null: removes) the limit named `default`." })
  @IsOptional()
  @ValidateNested()
  rateLimit?: KeyRateLimitInput | null;

  @Field(() => [NamedRateLimitInput], { nullable: true, description: "Replaces the key's named limits (null removes them all)." })
  @IsOptional()
  rateLimits?: NamedRateLimitInput[] | null;

  @Field(() => ID, { nullable: true, description: "null detaches the key from its identity." })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  identityId?: string | null;

  @Field(() => UpdateCreditsInput, { nullable: true, description: "Sets or adds to the key's credits; null removes them (checks then spend nothing)." })
  @IsOptional()
  credits?: UpdateCreditsInput | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @IsOptional()
  metadata?: Record<string, unknown> | null;
}

@InputType()
export class KeyByIdInput {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;
}

@InputType()
export class EnableApiKeyInput extends KeyByIdInput {}

@InputType()
export class DisableApiKeyInput extends KeyByIdInput {}

@InputType()
export class RevokeApiKeyInput extends KeyByIdInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  reason?: string | null;
}

@InputType()
export class RegenerateApiKeyInput extends KeyByIdInput {
  @Field(() => Int, { defaultValue: 0, description: "0-604800: how long the old key keeps working." })
  gracePeriodSeconds!: number;
}

@InputType()
export class ApiKeyFilter {
  @Field(() => ApiKeyStatusFilter, { nullable: true, defaultValue: ApiKeyStatusFilter.ALL })
  status?: ApiKeyStatusFilter;

  @Field({ nullable: true, description: "Name, description, or part of a key: prefix, lookup id or last 4 characters." })
  @IsOptional()
  @MaxLength(200)
  search?: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  subscriptionId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(200)
  createdBy?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(200)
  externalId?: string;

  @Field(() => ID, { nullable: true, description: "Only the keys of this identity." })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  identityId?: string;
}

@InputType()
export class ApiKeyOrder {
  @Field(() => ApiKeyOrderField, { defaultValue: ApiKeyOrderField.CREATED_AT })
  field!: ApiKeyOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  direction!: OrderDirection;
}
