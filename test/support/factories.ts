import { randomBytes } from "node:crypto";
import type { GraphQLClient } from "./graphql-client";

export const uniqueSlug = (label = "t"): string => `${label}-${randomBytes(5).toString("hex")}`;

export interface TenantFixture {
  id: string;
  slug: string;
  adminKey: string;
  adminKeyId: string;
  /** A client authenticated with the tenant's admin key (keys:*). */
  admin: GraphQLClient;
}

/** A fresh tenant per test, so tests never see each other's rows (also on a shared server). */
export async function createTenant(root: GraphQLClient, input: Record<string, unknown> = {}): Promise<TenantFixture> {
  const slug = (input.slug as string) ?? uniqueSlug();
  const data = await root.ok<{ createTenant: { tenant: { id: string }; adminKey: { secret: string; apiKey: { id: string } } } }>(
    `mutation ($input: CreateTenantInput!) {
       createTenant(input: $input) { tenant { id } adminKey { secret apiKey { id } } }
     }`,
    { input: { name: `Tenant ${slug}`, ...input, slug } },
  );
  const { tenant, adminKey } = data.createTenant;
  return { id: tenant.id, slug, adminKey: adminKey.secret, adminKeyId: adminKey.apiKey.id, admin: root.as(adminKey.secret) };
}

export async function createSubscription(
  root: GraphQLClient,
  tenantId: string,
  input: Record<string, unknown> = {},
): Promise<{ id: string; status: string; scopeCeiling: string[] }> {
  const data = await root.ok<{ createSubscription: { subscription: { id: string; status: string; scopeCeiling: string[] } } }>(
    `mutation ($input: CreateSubscriptionInput!) {
       createSubscription(input: $input) { subscription { id status scopeCeiling } }
     }`,
    { input: { tenantId, name: "Pro", plan: "pro-monthly", ...input } },
  );
  return data.createSubscription.subscription;
}
