import { ArrayMaxSize, IsOptional, IsUUID, MaxLength } from "class-validator";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { PageInfo } from "../common/pagination";
import { NotBlank } from "../common/validation";
import { Subscription, SubscriptionStatus } from "./subscription.entity";

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

@ObjectType({ simpleResolvers: true })
export class CreateSubscriptionPayload {
  @Field(() => Subscription)
  subscription!: Subscription;
}

@ObjectType({ simpleResolvers: true })
export class UpdateSubscriptionPayload {
  @Field(() => Subscription)
  subscription!: Subscription;
}

@ObjectType({ simpleResolvers: true })
export class SetSubscriptionStatusPayload {
  @Field(() => Subscription)
  subscription!: Subscription;
}

@ObjectType({ simpleResolvers: true })
export class SubscriptionConnection {
  @Field(() => [Subscription])
  nodes!: Subscription[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
