import { Field, ObjectType } from "type-graphql";
import { ApiKey } from "./api-key.entity";

@ObjectType({ simpleResolvers: true })
export class CreateApiKeyPayload {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field({ description: "The full key. Shown once: Keysmith stores only a hash of its secret." })
  secret!: string;
}
