import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { SubscriptionStatus } from "../core/tenancy";

registerEnumType(SubscriptionStatus, {
  name: "SubscriptionStatus",
  valuesConfig: { CANCELLED: { description: "Final: a cancelled subscription cannot be reactivated." } },
});

@ObjectType({ simpleResolvers: true, description: "A product or plan a tenant subscribed to; keys may be bound to it." })
@Entity({ name: "subscriptions" })
export class Subscription {
  @Field(() => ID)
  @PrimaryColumn("uuid")
  id!: string;

  @Field(() => ID)
  @Column("uuid", { name: "tenant_id" })
  tenantId!: string;

  @Field()
  @Column("text")
  name!: string;

  @Field()
  @Column("text")
  plan!: string;

  @Field(() => SubscriptionStatus)
  @Column("text")
  status!: SubscriptionStatus;

  @Field(() => [String], { description: "The grants bound keys may hold; empty means no limit." })
  @Column("text", { name: "scope_ceiling", array: true })
  scopeCeiling!: string[];

  @Field()
  @Column("timestamptz", { name: "created_at" })
  createdAt!: Date;

  @Field()
  @Column("timestamptz", { name: "updated_at" })
  updatedAt!: Date;
}
