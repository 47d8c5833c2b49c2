import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import type { Access } from "../core/scope-grammar";

export enum ScopeAccess {
  READ = "READ",
  WRITE = "WRITE",
}
registerEnumType(ScopeAccess, { name: "ScopeAccess" });

@ObjectType({ simpleResolvers: true, description: "An operation of a namespace; `ns:read` covers the READ ones." })
export class ScopeOperation {
  @Field()
  name!: string;

  @Field(() => ScopeAccess)
  access!: Access;
}

@ObjectType({ simpleResolvers: true, description: "A namespace of the scope catalog: one API surface and its operations." })
@Entity({ name: "scope_namespaces" })
export class ScopeNamespace {
  @Field(() => ID)
  @PrimaryColumn("uuid")
  id!: string;

  @Field(() => ID, { description: "The owning tenant; the platform tenant's namespaces are visible to every tenant." })
  @Column("uuid", { name: "tenant_id" })
  tenantId!: string;

  @Field()
  @Column("text")
  name!: string;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  description!: string | null;

  @Field(() => [ScopeOperation])
  @Column("jsonb")
  operations!: ScopeOperation[];

  @Field()
  @Column("timestamptz", { name: "created_at" })
  createdAt!: Date;

  @Field()
  @Column("timestamptz", { name: "updated_at" })
  updatedAt!: Date;
}
