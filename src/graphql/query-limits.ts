import { ApolloArmor } from "@escape.tech/graphql-armor";

/** The message of every query-limit rejection; the limits themselves are never echoed. */
export const QUERY_TOO_COMPLEX_MESSAGE = "The query exceeds this server's limits on depth, aliases, directives, tokens or cost.";

const hidden = { exposeLimits: false, errorMessage: QUERY_TOO_COMPLEX_MESSAGE };

/**
 * The token limit is graphql-js's own parse option: armor's version re-parses in a plugin hook,
 * where a thrown syntax error becomes an HTTP 500.
 */
export const MAX_TOKENS = 2_000;

/**
 * The messages of every refusal for size or shape: armor's own, graphql-js's token cap ("...
 * tokens. Parsing aborted."), its stop after 100 validation errors (only a pathological document
 * gets there) and its cap on nested introspection.
 */
export function isQueryLimitMessage(message: string): boolean {
  return (
    message.includes(QUERY_TOO_COMPLEX_MESSAGE) ||
    /tokens\. Parsing aborted\./.test(message) ||
    message === "Validation aborted." ||
    message === "Maximum introspection depth exceeded"
  );
}

/**
 * Depth, alias, directive and cost limits, generous enough for Apollo Sandbox's introspection
 * query and every documented operation. Checked once per distinct document: Apollo caches parsed
 * and validated documents, so the hot path does not pay for them.
 */
export function queryLimits(): ApolloArmor {
  return new ApolloArmor({
    maxDepth: { n: 15, ...hidden },
    maxAliases: { n: 15, ...hidden },
    maxDirectives: { n: 20, ...hidden },
    maxTokens: { enabled: false },
    costLimit: { maxCost: 20_000, ...hidden },
    blockFieldSuggestion: { enabled: true },
  });
}
