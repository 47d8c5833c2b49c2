import type { TenantFixture } from "./factories";
import type { GraphQLClient } from "./graphql-client";
import { createKey } from "./key-operations";

/** Every field of checkKey's answer. */
export const CHECK_FIELDS = `valid allowed code keyId tenantId name externalId metadata expiresAt grants matchedScopes missingScopes
  subscriptionIds rateLimit { limit remaining resetAt } identity { id externalId name metadata }
  rateLimits { name limit remaining resetAt exceeded } creditsRemaining`;

/** The checkKey document a backend sends. */
export const CHECK = `query ($input: CheckKeyInput!) { checkKey(input: $input) { ${CHECK_FIELDS} } }`;

export interface CheckAnswer {
  valid: boolean;
  allowed: boolean;
  code: string;
  keyId: string | null;
  tenantId: string | null;
  name: string | null;
  externalId: string | null;
  metadata: Record<string, unknown> | null;
  expiresAt: string | null;
  grants: string[];
  matchedScopes: string[];
  missingScopes: string[];
  subscriptionIds: string[];
  rateLimit: { limit: number; remaining: number; resetAt: string } | null;
}

/** A client for the tenant's backend: a key of the tenant holding keys:verify and nothing else. */
export async function backendOf(tenant: TenantFixture): Promise<GraphQLClient & { keyId: string; key: string }> {
  const created = await createKey(tenant.admin, { name: "backend", scopes: ["keys:verify"] });
  return Object.assign(tenant.admin.as(created.secret), { keyId: created.id, key: created.secret });
}

/** checkKey's answer; fails the test on a GraphQL error. */
export async function checkKey(backend: GraphQLClient, input: Record<string, unknown>): Promise<CheckAnswer> {
  const { checkKey: answer } = await backend.ok<{ checkKey: CheckAnswer }>(CHECK, { input });
  return answer;
}
