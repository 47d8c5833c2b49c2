import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { EventType } from "../core/event-type";

@ObjectType({ simpleResolvers: true, description: "Something that happened to one of the tenant's keys: the events webhooks deliver, live." })
export class KeyEvent {
  @Field(() => ID, { description: "The event's id: the webhook-id of its deliveries." })
  id!: string;

  @Field(() => EventType)
  type!: EventType;

  @Field()
  occurredAt!: Date;

  @Field(() => ID, { nullable: true })
  keyId!: string | null;

  @Field(() => GraphQLJSONObject, { description: "What a webhook's body carries as `data`: { tenantId, key, ... }, never a secret." })
  data!: Record<string, unknown>;
}
