import { Field, InputType, Int, ObjectType } from "type-graphql";
import { MAX_LIMIT, MAX_WINDOW_SECONDS } from "../core/named-limits";

@ObjectType("NamedRateLimit", { simpleResolvers: true, description: "A rate limit of a key or an identity, known by its name." })
export class NamedRateLimitType {
  @Field()
  name!: string;

  @Field(() => Int, { description: "Checks (or cost units) allowed per window." })
  limit!: number;

  @Field(() => Int)
  windowSeconds!: number;

  @Field({ description: "Applied to every check; otherwise only to checks that name it in `limits`." })
  autoApply!: boolean;
}

@InputType({ description: "A named rate limit; names are unique per key or identity." })
export class NamedRateLimitInput {
  @Field({ description: "1-64 characters: lower-case letters, digits, '_', '.', '-'." })
  name!: string;

  @Field(() => Int, { description: `1 to ${MAX_LIMIT.toLocaleString("en")}.` })
  limit!: number;

  @Field(() => Int, { description: `1 to ${MAX_WINDOW_SECONDS} (31 days).` })
  windowSeconds!: number;

  @Field({ defaultValue: true })
  autoApply!: boolean;
}
