import { Field, Int, ObjectType } from "type-graphql";
import { Connection } from "../common/pagination";
import { Payload } from "../common/payload";
import { ApiKey } from "./api-key.entity";

@ObjectType({ simpleResolvers: true })
export class ApiKeyConnection extends Connection(ApiKey) {
  /** Counted only when a client asks for totalCount. */
  count!: () => Promise<number>;

  @Field(() => Int, { description: "All keys matching the filter (computed only when asked for)." })
  totalCount(): Promise<number> {
    return this.count();
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
