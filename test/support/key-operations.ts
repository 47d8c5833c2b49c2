import type { GraphQLClient } from "./graphql-client";

export const API_KEY_FIELDS = `id name description externalId maskedKey prefix status enabled expiresAt revokedAt revokedReason
  createdAt updatedAt createdBy lastUsedAt usageCount scopes subscriptionIds allowedCidrs rateLimit { limit windowSeconds }
  rateLimits { name limit windowSeconds autoApply } identityId credits { remaining refill { amount interval dayOfMonth } }
  metadata rotatedFromId rotatedToId`;

export const CREATE_KEY = `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { ${API_KEY_FIELDS} } } }`;
export const UPDATE_KEY = `mutation ($input: UpdateApiKeyInput!) { updateApiKey(input: $input) { apiKey { ${API_KEY_FIELDS} } } }`;
export const ENABLE_KEY = `mutation ($input: EnableApiKeyInput!) { enableApiKey(input: $input) { apiKey { id status enabled } } }`;
export const DISABLE_KEY = `mutation ($input: DisableApiKeyInput!) { disableApiKey(input: $input) { apiKey { id status enabled } } }`;
export const REVOKE_KEY = `mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id status revokedAt revokedReason } } }`;
export const REGENERATE_KEY = `mutation ($input: RegenerateApiKeyInput!) { regenerateApiKey(input: $input) { secret apiKey { ${API_KEY_FIELDS} } } }`;
export const GET_KEY = `query ($id: ID!) { apiKey(id: $id) { ${API_KEY_FIELDS} } }`;
export const LIST_KEYS = `query ($tenantId: ID, $filter: ApiKeyFilter, $orderBy: ApiKeyOrder, $first: Int, $after: String) {
  apiKeys(tenantId: $tenantId, filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    nodes { id name status maskedKey expiresAt lastUsedAt createdBy }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const STATS = `{ apiKeyStats { total active expiringSoon expired disabled revoked } }`;

export interface CreatedKey {
  id: string;
  secret: string;
  apiKey: Record<string, any>;
}

export async function createKey(client: GraphQLClient, input: Record<string, unknown> = {}): Promise<CreatedKey> {
  const { createApiKey } = await client.ok(CREATE_KEY, { input: { name: "Test key", ...input } });
  return { id: createApiKey.apiKey.id, secret: createApiKey.secret, apiKey: createApiKey.apiKey };
}
