import type { GraphQLClient } from "./graphql-client";

export const ENDPOINT_FIELDS = "id url description events enabled previousSecretExpiresAt createdAt updatedAt";
export const DELIVERY_FIELDS = `id endpointId eventId eventType status attempts nextAttemptAt lastAttemptAt lastStatusCode lastError deliveredAt createdAt
  payload attemptLog { attempt at statusCode error durationMs }`;

export const CREATE_ENDPOINT = `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT_FIELDS} } } }`;
export const UPDATE_ENDPOINT = `mutation ($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { endpoint { ${ENDPOINT_FIELDS} } } }`;
export const DELETE_ENDPOINT = `mutation ($input: WebhookEndpointByIdInput!) { deleteWebhookEndpoint(input: $input) { deletedId } }`;
export const ROTATE_SECRET = `mutation ($input: WebhookEndpointByIdInput!) { rotateWebhookSecret(input: $input) { secret endpoint { ${ENDPOINT_FIELDS} } } }`;
export const PING_ENDPOINT = `mutation ($input: WebhookEndpointByIdInput!) { pingWebhookEndpoint(input: $input) { delivery { ${DELIVERY_FIELDS} } } }`;
export const REDELIVER = `mutation ($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { delivery { ${DELIVERY_FIELDS} } } }`;
export const LIST_ENDPOINTS = `query ($first: Int, $after: String) { webhookEndpoints(first: $first, after: $after) { nodes { ${ENDPOINT_FIELDS} } pageInfo { hasNextPage endCursor } } }`;
export const LIST_DELIVERIES = `query ($endpointId: ID!, $first: Int, $after: String) {
  webhookDeliveries(endpointId: $endpointId, first: $first, after: $after) { nodes { ${DELIVERY_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;

/** Every event type a key's life can send (WEBHOOK_PING is not subscribable). */
export const ALL_EVENTS = [
  "KEY_CREATED",
  "KEY_UPDATED",
  "KEY_DISABLED",
  "KEY_ENABLED",
  "KEY_REVOKED",
  "KEY_REGENERATED",
  "KEY_EXPIRING_SOON",
  "KEY_EXPIRED",
  "KEY_LEAKED",
  "CREDITS_EXHAUSTED",
];

export interface CreatedEndpoint {
  id: string;
  secret: string;
  endpoint: Record<string, any>;
}

export async function createEndpoint(client: GraphQLClient, input: Record<string, unknown>): Promise<CreatedEndpoint> {
  const { createWebhookEndpoint } = await client.ok(CREATE_ENDPOINT, { input: { events: ALL_EVENTS, ...input } });
  return { id: createWebhookEndpoint.endpoint.id, secret: createWebhookEndpoint.secret, endpoint: createWebhookEndpoint.endpoint };
}

export async function deliveriesOf(client: GraphQLClient, endpointId: string): Promise<Array<Record<string, any>>> {
  const { webhookDeliveries } = await client.ok(LIST_DELIVERIES, { endpointId, first: 100 });
  return webhookDeliveries.nodes;
}
