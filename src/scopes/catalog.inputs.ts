import { ArrayMaxSize, IsOptional, IsUUID, MaxLength, ValidateNested } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { MAX_OPERATIONS_PER_NAMESPACE } from "./catalog.service";
import { ScopeAccess } from "./scope-namespace.entity";

@InputType()
export class ScopeOperationInput {
  @Field({ description: "A letter, then letters, digits, _ . or -; never read, write or *." })
  @MaxLength(64)
  name!: string;

  @Field(() => ScopeAccess)
  access!: ScopeAccess;
}

@InputType({ description: "Creates the namespace, or replaces its description and operations." })
export class DefineNamespaceInput {
  @Field(() => ID, { nullable: true, description: "Root: the tenant to define it in; absent defines a platform-wide namespace." })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;

  @Field({ description: "Lowercase: a-z, 0-9, _ and -. `keys` and `platform` are reserved." })
  @MaxLength(40)
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  description?: string | null;

  @Field(() => [ScopeOperationInput])
  @ArrayMaxSize(MAX_OPERATIONS_PER_NAMESPACE)
  @ValidateNested({ each: true })
  operations!: ScopeOperationInput[];
}
