import { GraphQLSafeInt } from "graphql-scalars";
import { Field, ObjectType, registerEnumType } from "type-graphql";
import { CheckCode } from "../core/check-code";

export enum UsageGranularity {
  HOUR = "HOUR",
  DAY = "DAY",
}
registerEnumType(UsageGranularity, { name: "UsageGranularity", description: "Buckets of one hour or one day (UTC)." });

@ObjectType({ simpleResolvers: true })
export class CodeCount {
  @Field(() => CheckCode)
  code!: CheckCode;

  @Field(() => GraphQLSafeInt)
  count!: number;
}

@ObjectType({ simpleResolvers: true, description: "The checks of one hour or day." })
export class UsageBucket {
  @Field({ description: "The bucket's start (UTC)." })
  at!: Date;

  @Field(() => GraphQLSafeInt)
  total!: number;

  @Field(() => GraphQLSafeInt, { description: "Checks of authentic, usable keys (codes with valid: true)." })
  valid!: number;

  @Field(() => [CodeCount], { description: "By code; codes with no checks are left out." })
  codes!: CodeCount[];
}
