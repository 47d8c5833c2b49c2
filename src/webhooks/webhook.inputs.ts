import { ArrayMaxSize, ArrayMinSize, IsOptional, IsUUID, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { EventType } from "../core/event-type";

export const MAX_ENDPOINTS_PER_TENANT = 20;

@InputType()
export class CreateWebhookEndpointInput {
  @Field(() => ID, { nullable: true, description: "Root only: the tenant whose events to deliver." })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;

  @Field({ description: "https (http only to addresses in OUTBOUND_ALLOW); no credentials in the URL." })
  @MaxLength(2_000)
  url!: string;

  @Field(() => [EventType], { description: "The event types to deliver (at least one)." })
  @ArrayMinSize(1, { message: "must name at least one event type" })
  @ArrayMaxSize(50)
  events!: EventType[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  description?: string | null;
}

@InputType({ description: "Absent fields stay unchanged." })
export class UpdateWebhookEndpointInput {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;

  @Field({ nullable: true })
  @IsOptional()
  @MaxLength(2_000)
  url?: string;

  @Field(() => [EventType], { nullable: true })
  @IsOptional()
  @ArrayMinSize(1, { message: "must name at least one event type" })
  @ArrayMaxSize(50)
  events?: EventType[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(500)
  description?: string | null;

  @Field({ nullable: true, description: "A disabled endpoint gets no new deliveries; pending ones are still attempted." })
  @IsOptional()
  enabled?: boolean;
}

@InputType()
export class WebhookEndpointByIdInput {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;
}

@InputType()
export class RedeliverWebhookInput {
  @Field(() => ID)
  deliveryId!: string;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID("all", { message: "must be a UUID" })
  tenantId?: string;
}
