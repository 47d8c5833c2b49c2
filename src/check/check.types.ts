import { GraphQLJSONObject, GraphQLSafeInt } from "graphql-scalars";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { CheckCode } from "../core/check-code";
import { CheckMode } from "../core/scope-evaluator";

registerEnumType(CheckMode, {
  name: "CheckMode",
  valuesConfig: { ALL: { description: "Every required scope must be granted." }, ANY: { description: "At least one." } },
});
registerEnumType(CheckCode, {
  name: "CheckCode",
  valuesConfig: {
    VALID: { description: "Authentic, usable, and the required scopes are satisfied." },
    MALFORMED: { description: "Wrong format or checksum: rejected with no database or bcrypt work." },
    NOT_FOUND: { description: "Unknown key, wrong secret, or a key of another tenant." },
    IP_NOT_ALLOWED: { description: "The client address is outside the key's allowlist (or was not given)." },
    TENANT_SUSPENDED: { description: "The key's tenant is suspended." },
    SUBSCRIPTION_INACTIVE: { description: "The subscription checked against (or every bound one) is not ACTIVE." },
    SUBSCRIPTION_MISMATCH: { description: "The key is not bound to the given subscription." },
    UNKNOWN_SCOPE: { description: "A required scope is not in the catalog: never allowed." },
    FORBIDDEN: { description: "Valid key, but the required scopes are not granted." },
    RATE_LIMITED: { description: "Valid key over one of its rate limits (or its identity's): nothing was spent." },
    USAGE_EXCEEDED: { description: "Valid key with fewer credits left than the check's cost: nothing was spent." },
  },
});

@InputType({ description: "Validated by hand: checkKey never throws for a bad key, and this is the hot path." })
export class CheckKeyInput {
  /** Validated by the check itself: a bad key is an answer (MALFORMED), never an error. */
  static readonly validatedByHand = true;

  @Field({ description: "The key presented to your backend." })
  key!: string;

  @Field(() => [String], { defaultValue: [], description: "Required scopes: ns:Operation, ns:read or ns:write." })
  scopes!: string[];

  @Field(() => CheckMode, { defaultValue: CheckMode.ALL })
  mode!: CheckMode;

  @Field(() => ID, { nullable: true, description: "Require the key to be bound to this subscription, and it to be ACTIVE." })
  subscriptionId?: string | null;

  @Field(() => String, { nullable: true, description: "The end user's address, checked against the key's allowlist." })
  clientIp?: string | null;

  @Field(() => ID, { nullable: true, description: "Root only: the tenant whose keys to check (default: any)." })
  tenantId?: string | null;

  @Field(() => [LimitUseInput], { defaultValue: [], description: "Named limits to apply beside the auto-apply ones (once each, at the cost given)." })
  limits!: LimitUseInput[];

  @Field(() => Int, { defaultValue: 1, description: "Credits this check spends, for keys with credits; 0 spends none." })
  cost!: number;
}

@InputType({ description: "A named limit of the key or its identity, applied at this cost." })
export class LimitUseInput {
  @Field()
  name!: string;

  @Field(() => Int, { defaultValue: 1 })
  cost!: number;
}

@ObjectType({ simpleResolvers: true, description: "A limit after this check." })
export class RateLimitOutcome {
  @Field()
  name!: string;

  @Field(() => Int)
  limit!: number;

  @Field(() => Int, { description: "What is left of the window after this check (a refused check spent nothing)." })
  remaining!: number;

  @Field()
  resetAt!: Date;

  @Field({ description: "This check went over the limit: the answer is RATE_LIMITED." })
  exceeded!: boolean;
}

@ObjectType({ simpleResolvers: true, description: "The identity that owns the key." })
export class CheckIdentity {
  @Field(() => ID)
  id!: string;

  @Field()
  externalId!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  metadata!: Record<string, unknown> | null;
}

@ObjectType({ simpleResolvers: true, description: "The key's limit named `default` after this check." })
export class RateLimitState {
  @Field(() => Int)
  limit!: number;

  @Field(() => Int)
  remaining!: number;

  @Field()
  resetAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: "The decision. Key details are given only once the key proved authentic and allowed on this network." })
export class CheckKeyResult {
  @Field({ description: "The key is authentic and usable (codes VALID, FORBIDDEN, UNKNOWN_SCOPE, RATE_LIMITED)." })
  valid!: boolean;

  @Field({ description: "Valid, and the required scopes are satisfied (code VALID)." })
  allowed!: boolean;

  @Field(() => CheckCode)
  code!: CheckCode;

  @Field(() => ID, { nullable: true })
  keyId!: string | null;

  @Field(() => ID, { nullable: true })
  tenantId!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  externalId!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  metadata!: Record<string, unknown> | null;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => [String], { description: "The key's grants." })
  grants!: readonly string[];

  @Field(() => [String], { description: "The granting scope of each satisfied requirement, in order, without repeats." })
  matchedScopes!: string[];

  @Field(() => [String], { description: "The required scopes not satisfied." })
  missingScopes!: string[];

  @Field(() => [ID])
  subscriptionIds!: readonly string[];

  @Field(() => RateLimitState, { nullable: true, deprecationReason: "Use rateLimits: this is the limit named `default`." })
  rateLimit!: RateLimitState | null;

  @Field(() => CheckIdentity, { nullable: true })
  identity!: CheckIdentity | null;

  @Field(() => [RateLimitOutcome], { description: "Every limit this check applied: the key's and its identity's auto-apply limits and those named." })
  rateLimits!: RateLimitOutcome[];

  @Field(() => GraphQLSafeInt, {
    nullable: true,
    description: "Credits left after this check; null when the key has none, or when the check was refused before its credits (any code but VALID and USAGE_EXCEEDED).",
  })
  creditsRemaining!: number | null;
}
