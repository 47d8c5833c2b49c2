import { LeakedKeyAction } from "../core/leaked-key-action";
import { IsIn, IsInt, IsOptional, IsUrl, Length, Matches, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { NotBlank } from "../common/validation";
import { KEY_PREFIX_PATTERN } from "../core/key-format";
import { JwtAlgorithm } from "./tenant.entity";

export const TENANT_SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

@InputType({ description: "Absent fields keep their current (or default) value." })
export class TenantPolicyInput {
  @Field(() => Int, { nullable: true, description: "Default 365." })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  maxTtlDays?: number;

  @Field({ nullable: true, description: "Default false." })
  @IsOptional()
  requireExpiry?: boolean;

  @Field(() => Int, { nullable: true, description: "Default 30." })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  expiringSoonDays?: number;

  @Field(() => Int, { nullable: true, description: "Default 7." })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(365)
  wildcardMaxTtlDays?: number;
}

@InputType({ description: "Give either jwksUrl or publicKeyPem." })
export class JwtIssuerInput {
  @Field()
  @IsUrl({ require_tld: false, require_protocol: true }, { message: "must be a URL" })
  issuer!: string;

  @Field()
  @NotBlank()
  @MaxLength(500)
  audience!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ["https", "http"], require_protocol: true }, { message: "must be an http(s) URL" })
  jwksUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(10_000)
  publicKeyPem?: string | null;

  @Field(() => [JwtAlgorithm])
  @IsIn(Object.values(JwtAlgorithm), { each: true })
  algorithms!: JwtAlgorithm[];

  @Field(() => String, { nullable: true, description: "Default `scope`." })
  @IsOptional()
  @Length(1, 100)
  scopeClaim?: string | null;

  @Field(() => Int, { nullable: true, description: "60 to 2592000 (30 days); default 86400. Tokens living longer are refused." })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(2_592_000)
  maxTokenLifetimeSeconds?: number | null;
}

@InputType()
export class CreateTenantInput {
  @Field({ description: "Unique, lowercase: a-z, 0-9 and -." })
  @Matches(TENANT_SLUG_PATTERN, { message: "must be 2-63 characters of a-z, 0-9 and -, starting with a letter or digit" })
  slug!: string;

  @Field()
  @NotBlank()
  @MaxLength(100)
  name!: string;

  @Field({ nullable: true, description: "Prefix of the tenant's keys; default `ks`." })
  @IsOptional()
  @Matches(KEY_PREFIX_PATTERN, { message: "must be 2-16 characters of a-z, 0-9 and _, starting with a letter" })
  keyPrefix?: string;

  @Field(() => TenantPolicyInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  policy?: TenantPolicyInput;

  @Field(() => JwtIssuerInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  jwtIssuer?: JwtIssuerInput;
}

@InputType({ description: "Absent fields stay unchanged; jwtIssuer: null removes the issuer." })
export class UpdateTenantInput {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  @IsOptional()
  @NotBlank()
  @MaxLength(100)
  name?: string;

  @Field({ nullable: true, description: "New keys get it; existing keys keep theirs." })
  @IsOptional()
  @Matches(KEY_PREFIX_PATTERN, { message: "must be 2-16 characters of a-z, 0-9 and _, starting with a letter" })
  keyPrefix?: string;

  @Field(() => TenantPolicyInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  policy?: TenantPolicyInput;

  @Field(() => JwtIssuerInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  jwtIssuer?: JwtIssuerInput | null;

  @Field(() => LeakedKeyAction, { nullable: true })
  @IsOptional()
  leakedKeyAction?: LeakedKeyAction;
}

@InputType({ description: "The tenant's own settings, changed by a principal holding every keys scope. Absent fields stay unchanged." })
export class UpdateTenantSettingsInput {
  @Field(() => LeakedKeyAction, { nullable: true, description: "What is done to a key of the tenant reported leaked." })
  @IsOptional()
  leakedKeyAction?: LeakedKeyAction;
}

@InputType()
export class SuspendTenantInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class ResumeTenantInput {
  @Field(() => ID)
  id!: string;
}
