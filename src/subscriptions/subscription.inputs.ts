import { ArrayMaxSize, IsOptional, IsUUID, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { NotBlank } from "../common/validation";
import { SubscriptionStatus } from "../core/tenancy";

export const MAX_CEILING_GRANTS = 200;

@InputType()
export class CreateSubscriptionInput {
  @Field(() => ID, { nullable: true, description: "The tenant subscribing (root only; required)." })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;

  @Field()
  @NotBlank()
  @MaxLength(100)
  name!: string;

  @Field()
  @NotBlank()
  @MaxLength(100)
  plan!: string;

  @Field(() => [String], { nullable: true, description: "Grants bound keys may hold; empty or absent means no limit." })
  @IsOptional()
  @ArrayMaxSize(MAX_CEILING_GRANTS)
  scopeCeiling?: string[];
}

@InputType({ description: "Absent fields stay unchanged." })
export class UpdateSubscriptionInput {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  @IsOptional()
  @NotBlank()
  @MaxLength(100)
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @NotBlank()
  @MaxLength(100)
  plan?: string;

  @Field(() => [String], { nullable: true, description: "Lowering it below what bound keys hold is a CONFLICT." })
  @IsOptional()
  @ArrayMaxSize(MAX_CEILING_GRANTS)
  scopeCeiling?: string[];
}

@InputType()
export class SetSubscriptionStatusInput {
  @Field(() => ID)
  id!: string;

  @Field(() => SubscriptionStatus)
  status!: SubscriptionStatus;
}
