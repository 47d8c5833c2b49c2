import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import { KeysScope } from "../core/reserved-scopes";
import { type RequestContext, callerOf } from "../principals/request-context";
import { actingTenantId, tenantIdForObject } from "../principals/tenant-access";
import { CreateWebhookEndpointInput, RedeliverWebhookInput, UpdateWebhookEndpointInput, WebhookEndpointByIdInput } from "./webhook.inputs";
import {
  CreateWebhookEndpointPayload,
  DeleteWebhookEndpointPayload,
  PingWebhookEndpointPayload,
  RedeliverWebhookPayload,
  RotateWebhookSecretPayload,
  UpdateWebhookEndpointPayload,
  WebhookDeliveryConnection,
  WebhookEndpointConnection,
} from "./webhook.types";
import { WebhookEndpoint } from "./webhook-endpoint.entity";
import type { WebhooksService } from "./webhooks.service";

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  constructor(private readonly service: WebhooksService) {}

  private ownerOfEndpoint(context: RequestContext, id: string, tenantId?: string | null): Promise<string> {
    return tenantIdForObject(callerOf(context).principal, tenantId ?? undefined, () => this.service.tenantIdOfEndpoint(id));
  }

  @Authorized(KeysScope.LIST)
  @Query(() => WebhookEndpointConnection, { description: "The tenant's webhook endpoints, newest first (secrets are never shown again)." })
  async webhookEndpoints(
    @Ctx() context: RequestContext,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
    @Arg("first", () => Int, { nullable: true, description: "At most 100; default 20." }) first?: number,
    @Arg("after", { nullable: true }) after?: string,
  ): Promise<WebhookEndpointConnection> {
    return this.service.list(actingTenantId(callerOf(context).principal, tenantId), first, after);
  }

  @Authorized(KeysScope.LIST)
  @Query(() => WebhookDeliveryConnection, { description: "An endpoint's deliveries, newest first, each with its attempts." })
  async webhookDeliveries(
    @Ctx() context: RequestContext,
    @Arg("endpointId", () => ID) endpointId: string,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId?: string,
    @Arg("first", () => Int, { nullable: true, description: "At most 100; default 20." }) first?: number,
    @Arg("after", { nullable: true }) after?: string,
  ): Promise<WebhookDeliveryConnection> {
    return this.service.deliveries(await this.ownerOfEndpoint(context, endpointId, tenantId), endpointId, first, after);
  }

  @Authorized(KeysScope.DEFINE)
  @Mutation(() => CreateWebhookEndpointPayload, { description: "Events of the chosen types are delivered to the URL, signed with the secret returned once." })
  async createWebhookEndpoint(@Arg("input") input: CreateWebhookEndpointInput, @Ctx() context: RequestContext): Promise<CreateWebhookEndpointPayload> {
    const caller = callerOf(context);
    return this.service.create(actingTenantId(caller.principal, input.tenantId), caller, input);
  }

  @Authorized(KeysScope.DEFINE)
  @Mutation(() => UpdateWebhookEndpointPayload)
  async updateWebhookEndpoint(@Arg("input") input: UpdateWebhookEndpointInput, @Ctx() context: RequestContext): Promise<UpdateWebhookEndpointPayload> {
    return { endpoint: await this.service.update(await this.ownerOfEndpoint(context, input.id, input.tenantId), callerOf(context), input) };
  }

  @Authorized(KeysScope.DEFINE)
  @Mutation(() => DeleteWebhookEndpointPayload, { description: "Its pending deliveries are dropped with it." })
  async deleteWebhookEndpoint(@Arg("input") input: WebhookEndpointByIdInput, @Ctx() context: RequestContext): Promise<DeleteWebhookEndpointPayload> {
    return { deletedId: await this.service.delete(await this.ownerOfEndpoint(context, input.id, input.tenantId), callerOf(context), input.id) };
  }

  @Authorized(KeysScope.DEFINE)
  @Mutation(() => RotateWebhookSecretPayload, { description: "A new secret, shown once; the old one keeps signing beside it for 24 hours." })
  async rotateWebhookSecret(@Arg("input") input: WebhookEndpointByIdInput, @Ctx() context: RequestContext): Promise<RotateWebhookSecretPayload> {
    return this.service.rotateSecret(await this.ownerOfEndpoint(context, input.id, input.tenantId), callerOf(context), input.id);
  }

  @Authorized(KeysScope.DEFINE)
  @Mutation(() => PingWebhookEndpointPayload, { description: "Sends a WEBHOOK_PING event to this endpoint, whatever it subscribed to." })
  async pingWebhookEndpoint(@Arg("input") input: WebhookEndpointByIdInput, @Ctx() context: RequestContext): Promise<PingWebhookEndpointPayload> {
    return { delivery: await this.service.ping(await this.ownerOfEndpoint(context, input.id, input.tenantId), callerOf(context), input.id) };
  }

  @Authorized(KeysScope.DEFINE)
  @Mutation(() => RedeliverWebhookPayload, { description: "The same event (the same webhook-id) to the same endpoint again, now." })
  async redeliverWebhook(@Arg("input") input: RedeliverWebhookInput, @Ctx() context: RequestContext): Promise<RedeliverWebhookPayload> {
    const owner = await tenantIdForObject(callerOf(context).principal, input.tenantId ?? undefined, () => this.service.tenantIdOfDelivery(input.deliveryId));
    return { delivery: await this.service.redeliver(owner, callerOf(context), input.deliveryId) };
  }
}
