import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { AuditResolver } from "../audit/audit.resolver";
import { MeResolver } from "../auth/me.resolver";
import { CheckResolver } from "../check/check.resolver";
import { CatalogResolver } from "../scopes/catalog.resolver";
import { ApiKeyResolver } from "../keys/api-key.resolver";
import { SubscriptionResolver } from "../subscriptions/subscription.resolver";
import { TenantResolver } from "../tenants/tenant.resolver";
import { IdentityResolver } from "../identities/identity.resolver";
import { KeyEvent } from "../events/key-event.types";
import { LeakResolver } from "../leaks/leak.resolver";
import { UsageResolver } from "../usage/usage.resolver";
import { WebhookResolver } from "../webhooks/webhook.resolver";
import { authChecker } from "./auth-checker";
import { refuseUnstorableInput } from "./input-guard";
import { withSubscriptions } from "./subscriptions";
import { validateInput } from "./input-validation";
import { locateDomainErrors } from "./located-errors";
import type { RequestContext } from "../principals/request-context";

export const RESOLVERS = [
  MeResolver,
  TenantResolver,
  SubscriptionResolver,
  ApiKeyResolver,
  IdentityResolver,
  AuditResolver,
  CheckResolver,
  CatalogResolver,
  UsageResolver,
  WebhookResolver,
  LeakResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;


/**
 * Every object type sets `simpleResolvers`: its fields are plain properties, getters or methods,
 * so graphql-js's default resolver serves them without type-graphql's per-field middleware wrapper
 * (there are no field middlewares), which matters on the checkKey hot path.
 *
 * The schema is built once per process and shared by every application instance in it: each
 * request's context carries its own instance's resolvers (container) and audit writer.
 */
export function keysmithSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers: [...RESOLVERS],
    authChecker,
    // Outermost first: refusals are located, then unstorable input is refused before any work.
    globalMiddlewares: [locateDomainErrors, refuseUnstorableInput],
    container: ({ context }: { context: RequestContext }) => context.container,
    validateFn: validateInput,
    orphanedTypes: [KeyEvent],
  }).then(withSubscriptions);
  return built;
}

/** The SDL committed as schema/schema.graphql. */
export function printKeysmithSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
