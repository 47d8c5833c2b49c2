import { ArrayMaxSize, IsInt, IsOptional, IsUUID, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, InputType, Int, registerEnumType } from "type-graphql";
import type { FieldError } from "../common/errors";
import { NotBlank } from "../common/validation";
import { grantFormErrors } from "../core/grant-validation";
import { MAX_CIDRS, cidrFormErrors } from "../core/key-rules";

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

/** The grants' and CIDRs' forms, checked with the decorators so every field at fault is reported at once. */
const keyFormErrors = (input: { scopes?: string[] | null; allowedCidrs?: string[] | null }): FieldError[] => [
  ...grantFormErrors(input.scopes, "scopes"),
  ...cidrFormErrors(input.allowedCidrs),
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

  @Field(() => KeyRateLimitInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  rateLimit?: KeyRateLimitInput | null;

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

  @Field(() => KeyRateLimitInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  rateLimit?: KeyRateLimitInput | null;

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
}

@InputType()
export class ApiKeyOrder {
  @Field(() => ApiKeyOrderField, { defaultValue: ApiKeyOrderField.CREATED_AT })
  field!: ApiKeyOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  direction!: OrderDirection;
}
