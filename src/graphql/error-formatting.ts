import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { type GraphQLFormattedError, GraphQLError } from "graphql";
import { classifyError } from "../common/error-classifier";
import { DomainError, ErrorCode, requestError } from "../common/errors";
import type { Logger } from "../common/logger";
import type { RequestContext } from "../principals/request-context";
import { QUERY_TOO_COMPLEX_MESSAGE, isQueryLimitMessage } from "./query-limits";

/** Codes GraphQL and Apollo themselves give a bad request; passed through under the same name. */
const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  ErrorCode.GRAPHQL_PARSE_FAILED,
  ErrorCode.GRAPHQL_VALIDATION_FAILED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.BAD_REQUEST,
  ErrorCode.OPERATION_RESOLUTION_FAILURE,
  ErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
]);

const INTROSPECTION_DISABLED = "Introspection is disabled on this server; set INTROSPECTION=true to enable it.";

/** The explanations graphql-js gives for a bad variable, none of which quotes the value. */
const VARIABLE_REASONS = [
  /Field "\w+" of required type "[^"]+" was not provided\./,
  /Field "\w+" is not defined by type "\w+"\./,
  /Expected (?:non-nullable )?type "[^"]+"[a-z ]*\./,
];

/**
 * graphql-js quotes the offending value in coercion messages, and a variable may hold a key: the
 * value is dropped, the variable, its path and the reason are kept.
 */
export function withoutValues(message: string): string {
  const representation = /\b(?:Enum "(\w+)"|(\w+)) cannot represent/.exec(message);
  const reason = representation
    ? `${representation[1] ?? representation[2]} cannot represent the value given.`
    : VARIABLE_REASONS.map((pattern) => pattern.exec(message)?.[0]).find(Boolean);
  const enumType = /does not exist in "(\w+)" enum/.exec(message);
  const explanation = reason ?? (enumType ? `Not a value of the enum ${enumType[1]}.` : undefined);
  const variable = /^Variable "\$(\w+)" got invalid value /.exec(message);
  if (variable) {
    const at = [...message.matchAll(/ at "([\w.[\]]+)"; /g)].at(-1)?.[1];
    return `Variable "$${variable[1]}" got an invalid value${at ? ` at "${at}"` : ""}${explanation ? `; ${explanation}` : "."}`;
  }
  if (/^Expected value of type/.test(message)) {
    return message.replace(/, found .*$/s, explanation ? `; ${explanation}` : ".");
  }
  return explanation ?? message;
}

/** graphql-js's own request-level failures (e.g. a subscription on a schema without them) carry no code and no path. */
const isBareGraphQLError = (error: unknown): error is GraphQLError =>
  error instanceof GraphQLError && !error.originalError && !error.path && error.extensions?.code === undefined;

/** What a thrown error means, as a DomainError where GraphQL's own failures are recognised; anything else as it is. */
export function toDomainError(original: unknown, message: string): unknown {
  if (original instanceof DomainError) return original;
  // Thrown by a plugin (no path): Apollo wraps it without unwrapping it again.
  if (original instanceof GraphQLError && original.originalError instanceof DomainError) return original.originalError;
  if (isQueryLimitMessage(message)) return requestError(ErrorCode.QUERY_TOO_COMPLEX, QUERY_TOO_COMPLEX_MESSAGE);
  if (message.startsWith("GraphQL introspection is not allowed")) return requestError(ErrorCode.GRAPHQL_VALIDATION_FAILED, INTROSPECTION_DISABLED);
  const code = original instanceof GraphQLError ? original.extensions?.code : undefined;
  if (typeof code === "string" && REQUEST_ERROR_CODES.has(code)) return requestError(code as ErrorCode, withoutValues(message));
  if (isBareGraphQLError(original)) return requestError(ErrorCode.BAD_REQUEST, withoutValues(message));
  return original;
}

/** Request ids of unexpected errors, noted by the logging plugin while the request context is at hand. */
const requestIds = new WeakMap<object, string>();

/** The GraphQL face of the one error classifier. No response ever carries a stack trace. */
export function formatError(formatted: GraphQLFormattedError, thrown: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(thrown);
  const requestId = original && typeof original === "object" ? requestIds.get(original) : undefined;
  const classified = classifyError(toDomainError(original, formatted.message), requestId);
  const requestLevel = classified.code !== ErrorCode.INTERNAL_SERVER_ERROR && !formatted.path && formatted.locations;
  return {
    message: classified.message,
    ...(requestLevel ? { locations: formatted.locations } : {}),
    extensions: {
      code: classified.code,
      ...(classified.fields ? { field: classified.fields[0]?.field, fields: classified.fields } : {}),
      ...(classified.requestId ? { requestId: classified.requestId } : {}),
      ...(classified.retryAfterSeconds !== undefined ? { retryAfterSeconds: classified.retryAfterSeconds } : {}),
    },
    ...(formatted.path ? { path: formatted.path } : {}),
  };
}

/** Logs unexpected errors (with their stacks, server-side only) under the request id the client sees. */
export function errorLoggingPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const original = unwrapResolverError(error);
            const { log } = classifyError(toDomainError(original, error.message), contextValue.requestId);
            if (!log) continue;
            if (original && typeof original === "object") requestIds.set(original, contextValue.requestId);
            logger[log]({ err: original, requestId: contextValue.requestId, path: error.path }, "operation failed");
          }
        },
      };
    },
  };
}
