import { Column, Entity, PrimaryColumn } from "typeorm";

/** Binds a key to a subscription: checks then require the subscription to be active. */
@Entity({ name: "api_key_subscriptions" })
export class KeySubscription {
  @Column("uuid", { name: "tenant_id" })
  tenantId!: string;

  @PrimaryColumn("uuid", { name: "api_key_id" })
  apiKeyId!: string;

  @PrimaryColumn("uuid", { name: "subscription_id" })
  subscriptionId!: string;
}
