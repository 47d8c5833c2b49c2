import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import type { NamedLimit } from "../core/named-limits";
import { NamedRateLimitType } from "../limits/named-limit.types";

@ObjectType({ simpleResolvers: true, description: "A customer or user of the tenant that owns keys; its rate limits are shared by all its keys." })
@Entity({ name: "identities" })
export class Identity {
  @Field(() => ID)
  @PrimaryColumn("uuid")
  id!: string;

  @Column("uuid", { name: "tenant_id" })
  tenantId!: string;

  @Field({ description: "Your own id for it, unique in the tenant." })
  @Column("text", { name: "external_id" })
  externalId!: string;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  name!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "Your own data, returned by checkKey with the identity." })
  @Column("jsonb", { nullable: true })
  metadata!: Record<string, unknown> | null;

  @Field(() => [NamedRateLimitType], { description: "Shared by every key of the identity, on every instance; a key's limit of the same name overrides it." })
  @Column("jsonb", { name: "rate_limits" })
  rateLimits!: NamedLimit[];

  @Field()
  @Column("timestamptz", { name: "created_at" })
  createdAt!: Date;

  @Field()
  @Column("timestamptz", { name: "updated_at" })
  updatedAt!: Date;
}
