import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Connection } from "../common/pagination";
import { Payload } from "../common/payload";
import { DeliveryStatus, EventType } from "../core/event-type";
import { WebhookEndpoint } from "./webhook-endpoint.entity";

registerEnumType(DeliveryStatus, {
  name: "DeliveryStatus",
  valuesConfig: { FAILED: { description: "Every attempt of the 24-hour retry schedule failed." } },
});

@ObjectType({ simpleResolvers: true })
export class WebhookEndpointConnection extends Connection(WebhookEndpoint) {}

@ObjectType({ simpleResolvers: true, description: "The endpoint, and its signing secret: shown this once." })
export class CreateWebhookEndpointPayload extends Payload("endpoint", () => WebhookEndpoint) {
  @Field({ description: "whsec_...: verify deliveries with it (Standard Webhooks). Never shown again." })
  secret!: string;
}

@ObjectType({ simpleResolvers: true })
export class UpdateWebhookEndpointPayload extends Payload("endpoint", () => WebhookEndpoint) {}

@ObjectType({ simpleResolvers: true, description: "The new secret, shown this once; the old one keeps signing beside it for 24 hours." })
export class RotateWebhookSecretPayload extends Payload("endpoint", () => WebhookEndpoint) {
  @Field()
  secret!: string;
}

@ObjectType({ simpleResolvers: true })
export class DeleteWebhookEndpointPayload {
  @Field(() => ID)
  deletedId!: string;
}

@ObjectType({ simpleResolvers: true, description: "One attempt to deliver." })
export class WebhookAttempt {
  @Field(() => Int)
  attempt!: number;

  @Field()
  at!: Date;

  @Field(() => Int, { nullable: true, description: "The endpoint's HTTP status; null when no answer came." })
  statusCode!: number | null;

  @Field(() => String, { nullable: true, description: "Why it failed, when it did." })
  error!: string | null;

  @Field(() => Int)
  durationMs!: number;
}

@ObjectType({ simpleResolvers: true, description: "One event on its way to one endpoint, with every attempt." })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  endpointId!: string;

  @Field(() => ID, { description: "The event, sent as webhook-id: the same on every attempt and redelivery." })
  eventId!: string;

  @Field(() => EventType)
  eventType!: EventType;

  @Field(() => DeliveryStatus)
  status!: DeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Date, { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastAttemptAt!: Date | null;

  @Field(() => Int, { nullable: true })
  lastStatusCode!: number | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  deliveredAt!: Date | null;

  @Field()
  createdAt!: Date;

  @Field(() => GraphQLJSONObject, { description: "The body sent: { type, timestamp, data }." })
  payload!: Record<string, unknown>;

  @Field(() => [WebhookAttempt])
  attemptLog!: WebhookAttempt[];
}

@ObjectType({ simpleResolvers: true })
export class WebhookDeliveryConnection extends Connection(WebhookDelivery) {}

@ObjectType({ simpleResolvers: true })
export class PingWebhookEndpointPayload extends Payload("delivery", () => WebhookDelivery) {}

@ObjectType({ simpleResolvers: true })
export class RedeliverWebhookPayload extends Payload("delivery", () => WebhookDelivery) {}

/** The body of a delivery, Standard Webhooks style. */
export function webhookBody(event: { type: EventType; occurredAt: Date; tenantId: string; data: Record<string, unknown> }): Record<string, unknown> {
  return { type: event.type, timestamp: event.occurredAt.toISOString(), data: { tenantId: event.tenantId, ...event.data } };
}
