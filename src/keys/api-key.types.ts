import { Field, Int, ObjectType } from "type-graphql";
import { Connection } from "../common/pagination";
import { Payload } from "../common/payload";
import { ApiKey } from "./api-key.entity";

/** totalCount stops counting past this many keys: a count never scans more of a tenant's keys. */
export const COUNT_CAP = 10_000;

@ObjectType({ simpleResolvers: true })
export class ApiKeyConnection extends Connection(ApiKey) {
  /** Counts up to COUNT_CAP + 1 matching keys; run only when a client asks for a count, and once. */
  count!: () => Promise<number>;
  private counted?: Promise<number>;

  private matching(): Promise<number> {
    this.counted ??= this.count();
    return this.counted;
  }

  @Field(() => Int, { description: `The keys matching the filter, up to ${COUNT_CAP.toLocaleString("en")} (computed only when asked for; see totalCountCapped).` })
  async totalCount(): Promise<number> {
    return Math.min(await this.matching(), COUNT_CAP);
  }

  @Field(() => Boolean, { description: `True when more than ${COUNT_CAP.toLocaleString("en")} keys match: totalCount stopped counting there.` })
  async totalCountCapped(): Promise<boolean> {
    return (await this.matching()) > COUNT_CAP;
  }
}

@ObjectType({ simpleResolvers: true, description: "The dashboard widgets of a key page. Statuses are derived at query time." })
export class ApiKeyStats {
  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  active!: number;

  @Field(() => Int, { description: "Active and expiring within the tenant's expiringSoonDays." })
  expiringSoon!: number;

  @Field(() => Int)
  expired!: number;

  @Field(() => Int)
  disabled!: number;

  @Field(() => Int)
  revoked!: number;
}

@ObjectType({ simpleResolvers: true })
export class CreateApiKeyPayload extends Payload("apiKey", () => ApiKey) {
  @Field({ description: "The full key. Shown once: Keysmith stores only a hash of its secret." })
  secret!: string;
}

@ObjectType({ simpleResolvers: true })
export class UpdateApiKeyPayload extends Payload("apiKey", () => ApiKey) {}

@ObjectType({ simpleResolvers: true })
export class EnableApiKeyPayload extends Payload("apiKey", () => ApiKey) {}

@ObjectType({ simpleResolvers: true })
export class DisableApiKeyPayload extends Payload("apiKey", () => ApiKey) {}

@ObjectType({ simpleResolvers: true })
export class RevokeApiKeyPayload extends Payload("apiKey", () => ApiKey) {}

@ObjectType({ simpleResolvers: true })
export class RegenerateApiKeyPayload extends Payload("apiKey", () => ApiKey, "The new key; the old one links to it through rotatedToId.") {
  @Field({ description: "The new full key. Shown once." })
  secret!: string;
}
