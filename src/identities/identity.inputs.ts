import { IsOptional, IsUUID, MaxLength } from "class-validator";
import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, InputType } from "type-graphql";
import type { FieldError } from "../common/errors";
import { NotBlank } from "../common/validation";
import { namedLimitErrors } from "../core/named-limits";
import { NamedRateLimitInput } from "../limits/named-limit.types";

const identityFormErrors = (input: { rateLimits?: NamedRateLimitInput[] | null }): FieldError[] => namedLimitErrors(input.rateLimits, "rateLimits");

@InputType()
export class CreateIdentityInput {
  static formErrors = identityFormErrors;

  @Field(() => ID, { nullable: true, description: "Root only: the tenant to create the identity in." })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;

  @Field({ description: "Your own id for the customer or user (1-200 characters), unique in the tenant." })
  @NotBlank()
  @MaxLength(200)
  externalId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  name?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "At most 4 kB." })
  @IsOptional()
  metadata?: Record<string, unknown> | null;

  @Field(() => [NamedRateLimitInput], { nullable: true, description: "Limits shared by all the identity's keys." })
  @IsOptional()
  rateLimits?: NamedRateLimitInput[] | null;
}

@InputType({ description: "Absent fields stay unchanged; null clears a field (rateLimits become empty)." })
export class UpdateIdentityInput {
  static formErrors = identityFormErrors;

  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @NotBlank()
  @MaxLength(200)
  externalId?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(200)
  name?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @IsOptional()
  metadata?: Record<string, unknown> | null;

  @Field(() => [NamedRateLimitInput], { nullable: true })
  @IsOptional()
  rateLimits?: NamedRateLimitInput[] | null;
}

@InputType()
export class DeleteIdentityInput {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;
}

@InputType()
export class IdentityFilter {
  @Field({ nullable: true, description: "Exactly this externalId." })
  @IsOptional()
  @MaxLength(200)
  externalId?: string;

  @Field({ nullable: true, description: "Part of the externalId or name (three characters or more; shorter terms match their starts)." })
  @IsOptional()
  @MaxLength(200)
  search?: string;
}
