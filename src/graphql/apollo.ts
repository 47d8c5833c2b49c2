import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import type { AuditService } from "../audit/audit.service";
import type { Logger } from "../common/logger";
import type { RequestContext } from "../principals/request-context";
import { deniedAuditPlugin } from "./denied-audit";
import { errorLoggingPlugin, formatError } from "./error-formatting";
import { landingPagePlugin } from "./landing-page";
import { type ManagementLimits, managementLimitsPlugin } from "./management-limits";
import { queryCostPlugin } from "./query-cost";
import { MAX_TOKENS, queryLimits } from "./query-limits";
import { refusalStatusPlugin } from "./refusal-status";
import { subscriptionsOverSocketPlugin } from "./subscriptions-over-socket";
import { keysmithSchema } from "./schema";

export interface ApolloOptions {
  production: boolean;
  introspection: boolean;
  /** The server's base URL once it listens (for the landing page's examples). */
  url: () => string;
  logger: Logger;
  audit: AuditService;
  management: ManagementLimits;
  plugins?: ApolloServerPlugin<RequestContext>[];
}

/** Apollo with Keysmith's limits and rules: no batching, CSRF prevention, no stack traces, one error mapper. */
export async function createApollo(options: ApolloOptions): Promise<ApolloServer<RequestContext>> {
  const armor = queryLimits().protect();
  const landingPage = landingPagePlugin(options.url, !options.production && options.introspection);
  const apollo = new ApolloServer<RequestContext>({
    schema: await keysmithSchema(),
    introspection: options.introspection,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT: Apollo's own handlers would stop it mid-shutdown and hang the exit.
    stopOnTerminationSignals: false,
    formatError,
    validationRules: armor.validationRules,
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [landingPage, ...armor.plugins, errorLoggingPlugin(options.logger), deniedAuditPlugin(options.audit), refusalStatusPlugin(),
      subscriptionsOverSocketPlugin(), queryCostPlugin(),
      managementLimitsPlugin(options.management), ...(options.plugins ?? [])],
  });
  await apollo.start();
  return apollo;
}
