import { GraphQLSafeInt } from "graphql-scalars";
import { Field, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { RefillInterval } from "../core/credits";

registerEnumType(RefillInterval, {
  name: "RefillInterval",
  valuesConfig: { DAILY: { description: "Every day at 00:00 UTC." }, MONTHLY: { description: "On dayOfMonth at 00:00 UTC." } },
});

@ObjectType({ simpleResolvers: true })
export class CreditRefillType {
  @Field(() => GraphQLSafeInt, { description: "What remaining is set to at each refill." })
  amount!: number;

  @Field(() => RefillInterval)
  interval!: RefillInterval;

  @Field(() => Int, { nullable: true, description: "MONTHLY: the day, clamped to the month's length (31 is the last day)." })
  dayOfMonth!: number | null;
}

@ObjectType({ simpleResolvers: true, description: "What a key may still spend; each check spends its `cost`." })
export class KeyCredits {
  @Field(() => GraphQLSafeInt, { description: "As of the last check or change; a refill due since is applied at the next check." })
  remaining!: number;

  @Field(() => CreditRefillType, { nullable: true })
  refill!: CreditRefillType | null;
}

@InputType()
export class CreditRefillInput {
  @Field(() => GraphQLSafeInt)
  amount!: number;

  @Field(() => RefillInterval)
  interval!: RefillInterval;

  @Field(() => Int, { nullable: true, description: "MONTHLY only, 1-31 (default 1)." })
  dayOfMonth?: number | null;
}

@InputType({ description: "A key's credits: checks spend them and are refused USAGE_EXCEEDED when too few remain." })
export class CreditsInput {
  @Field(() => GraphQLSafeInt)
  remaining!: number;

  @Field(() => CreditRefillInput, { nullable: true })
  refill?: CreditRefillInput | null;
}

@InputType({ description: "Set remaining, or add to it (never both); refill replaces the refill (null removes it)." })
export class UpdateCreditsInput {
  @Field(() => GraphQLSafeInt, { nullable: true, description: "The new remaining count." })
  remaining?: number | null;

  @Field(() => GraphQLSafeInt, { nullable: true, description: "Added to the remaining count (negative takes away, never below 0)." })
  add?: number | null;

  @Field(() => CreditRefillInput, { nullable: true })
  refill?: CreditRefillInput | null;
}
