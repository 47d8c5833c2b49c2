import type { ContainerType } from "type-graphql";
import { AuditResolver } from "../audit/audit.resolver";
import { MeResolver } from "../auth/me.resolver";
import { CheckResolver } from "../check/check.resolver";
import { IdentityResolver } from "../identities/identity.resolver";
import { ApiKeyResolver } from "../keys/api-key.resolver";
import { CatalogResolver } from "../scopes/catalog.resolver";
import { SubscriptionResolver } from "../subscriptions/subscription.resolver";
import { TenantResolver } from "../tenants/tenant.resolver";
import { KeyEventStreams } from "../events/key-event-streams";
import { LeakResolver } from "../leaks/leak.resolver";
import { UsageResolver } from "../usage/usage.resolver";
import { WebhookResolver } from "../webhooks/webhook.resolver";
import type { Services } from "./services";

/** This instance's resolver objects, handed to type-graphql per request (several instances may share a process). */
export function resolverContainer(services: Services): ContainerType {
  const resolvers = new Map<Function, unknown>([
    [MeResolver, new MeResolver()],
    [TenantResolver, new TenantResolver(services.tenants)],
    [SubscriptionResolver, new SubscriptionResolver(services.subscriptions)],
    [ApiKeyResolver, new ApiKeyResolver(services.keys, services.keyQueries)],
    [AuditResolver, new AuditResolver(services.audit)],
    [CheckResolver, new CheckResolver(services.checks)],
    [CatalogResolver, new CatalogResolver(services.catalog)],
    [IdentityResolver, new IdentityResolver(services.identities)],
    [UsageResolver, new UsageResolver(services.usageQueries, services.keyQueries)],
    [WebhookResolver, new WebhookResolver(services.webhooks)],
    [KeyEventStreams, new KeyEventStreams(services.eventHub)],
    [LeakResolver, new LeakResolver(services.leaks)],
  ]);
  return {
    get(resolverClass: Function) {
      const resolver = resolvers.get(resolverClass);
      if (!resolver) throw new Error(`No instance for resolver ${resolverClass.name}`);
      return resolver;
    },
  };
}
