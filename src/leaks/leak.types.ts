import { Field, InputType, ObjectType } from "type-graphql";
import { IsOptional, MaxLength } from "class-validator";
import { NotBlank } from "../common/validation";
import { LeakedKeyAction } from "../core/leaked-key-action";
import { ApiKey } from "../keys/api-key.entity";

@InputType()
export class ReportLeakedKeyInput {
  @Field({ description: "The full key that was found. It is verified, never stored or echoed." })
  @NotBlank()
  @MaxLength(200)
  key!: string;

  @Field({ description: "Where it was found, e.g. \"a public gist\" or \"support ticket 4411\"." })
  @NotBlank()
  @MaxLength(200)
  source!: string;

  @Field(() => String, { nullable: true, description: "A link to where it was found." })
  @IsOptional()
  @MaxLength(2_000)
  url?: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ReportLeakedKeyPayload {
  @Field(() => ApiKey, { description: "The key as it now stands." })
  apiKey!: ApiKey;

  @Field(() => LeakedKeyAction, { description: "The tenant's leakedKeyAction, applied (a key already revoked stays as it was)." })
  action!: LeakedKeyAction;
}
