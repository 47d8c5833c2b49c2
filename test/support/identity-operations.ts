import type { GraphQLClient } from "./graphql-client";

export const IDENTITY_FIELDS = "id externalId name metadata rateLimits { name limit windowSeconds autoApply } createdAt updatedAt";

export const CREATE_IDENTITY = `mutation ($input: CreateIdentityInput!) { createIdentity(input: $input) { identity { ${IDENTITY_FIELDS} } } }`;
export const UPDATE_IDENTITY = `mutation ($input: UpdateIdentityInput!) { updateIdentity(input: $input) { identity { ${IDENTITY_FIELDS} } } }`;
export const DELETE_IDENTITY = `mutation ($input: DeleteIdentityInput!) { deleteIdentity(input: $input) { deletedId } }`;
export const GET_IDENTITY = `query ($id: ID!) { identity(id: $id) { ${IDENTITY_FIELDS} } }`;
export const LIST_IDENTITIES = `query ($filter: IdentityFilter, $first: Int, $after: String) {
  identities(filter: $filter, first: $first, after: $after) { nodes { ${IDENTITY_FIELDS} } pageInfo { hasNextPage endCursor } }
}`;

export interface CreatedIdentity {
  id: string;
  externalId: string;
  [field: string]: unknown;
}

export async function createIdentity(client: GraphQLClient, input: Record<string, unknown> = {}): Promise<CreatedIdentity> {
  const { createIdentity } = await client.ok(CREATE_IDENTITY, { input: { externalId: `customer-${Math.random().toString(36).slice(2, 10)}`, ...input } });
  return createIdentity.identity;
}
