import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { EventType } from "../core/event-type";

registerEnumType(EventType, {
  name: "EventType",
  valuesConfig: {
    KEY_EXPIRING_SOON: { description: "Once per expiry, the tenant's expiringSoonDays before it." },
    KEY_REVOKED: { description: "At revocation, or when a scheduled revocation (a regeneration's grace period) takes effect." },
    CREDITS_EXHAUSTED: { description: "A check spent the key's last credit." },
    WEBHOOK_PING: { description: "pingWebhookEndpoint's test event (not subscribable)." },
  },
});

@ObjectType({ simpleResolvers: true, description: "Where the tenant's events are delivered, signed (Standard Webhooks). Its secret is shown only when made." })
@Entity({ name: "webhook_endpoints" })
export class WebhookEndpoint {
  @Field(() => ID)
  @PrimaryColumn("uuid")
  id!: string;

  @Column("uuid", { name: "tenant_id" })
  tenantId!: string;

  @Field()
  @Column("text")
  url!: string;

  @Field(() => String, { nullable: true })
  @Column("text", { nullable: true })
  description!: string | null;

  @Field(() => [EventType])
  @Column("text", { array: true })
  events!: EventType[];

  @Field()
  @Column("boolean")
  enabled!: boolean;

  @Column("text")
  secret!: string;

  @Column("text", { name: "previous_secret", nullable: true })
  previousSecret!: string | null;

  @Field(() => Date, { nullable: true, description: "Until then, deliveries are signed with the previous secret too." })
  @Column("timestamptz", { name: "previous_secret_expires_at", nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Field()
  @Column("timestamptz", { name: "created_at" })
  createdAt!: Date;

  @Field()
  @Column("timestamptz", { name: "updated_at" })
  updatedAt!: Date;
}
