import { randomUUID } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import { type GraphQLFormattedError, GraphQLError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import type { ValidationError } from "class-validator";
import { DomainError, ErrorCode, serviceUnavailable } from "../common/errors";
import { isDatabaseUnavailable } from "../common/database-errors";
import type { Logger } from "../common/logger";
import type { RequestContext } from "../principals/request-context";
import { QUERY_TOO_COMPLEX, QUERY_TOO_COMPLEX_MESSAGE, isIntrospectionTooDeep, isTokenLimitMessage, isValidationAborted } from "./query-limits";

export const INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR";

/** Codes GraphQL and Apollo themselves produce for a bad request; passed through as they are. */
const REQUEST_ERROR_CODES = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "OPERATION_RESOLUTION_FAILURE",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.RATE_LIMITED,
]);

/** Request ids of unexpected errors, noted while the request context is at hand. */
const requestIds = new WeakMap<object, string>();

/** One line per constraint, naming the field (with its path) and never the submitted value. */
function describeValidation(errors: ValidationError[], parent = ""): Array<{ field: string; message: string }> {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...describeValidation(error.children ?? [], field)];
  });
}

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

function domainError(error: DomainError): GraphQLFormattedError {
  return { message: error.message, extensions: { code: error.code, ...(error.field ? { field: error.field } : {}) } };
}

/** The one mapper from thrown errors to what a client sees. No response ever carries a stack trace. */
export function formatError(formatted: GraphQLFormattedError, thrown: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(thrown);
  const path = formatted.path ? { path: formatted.path } : {};
  if (original instanceof DomainError) return { ...domainError(original), ...path };
  if (original instanceof ArgumentValidationError) {
    const fields = describeValidation(original.extensions.validationErrors);
    const summary = fields.map((f) => `${f.field}: ${f.message}`).join("; ");
    return {
      message: `Invalid input: ${summary}`,
      extensions: { code: ErrorCode.BAD_USER_INPUT, fields, ...(fields[0] ? { field: fields[0].field } : {}) },
      ...path,
    };
  }
  if (isDatabaseUnavailable(original)) {
    return { ...domainError(serviceUnavailable()), ...path };
  }
  const { message } = formatted;
  const tooComplex = [isTokenLimitMessage, isValidationAborted, isIntrospectionTooDeep].some((matches) => matches(message));
  if (tooComplex || message.includes(QUERY_TOO_COMPLEX_MESSAGE)) {
    return { message: QUERY_TOO_COMPLEX_MESSAGE, extensions: { code: QUERY_TOO_COMPLEX } };
  }
  const code = formatted.extensions?.code;
  if (original instanceof GraphQLError && typeof code === "string" && REQUEST_ERROR_CODES.has(code)) {
    return { message: withoutValues(formatted.message), locations: formatted.locations, extensions: { code }, ...path };
  }
  // graphql-js's own request-level failures (e.g. a subscription on a schema without them) carry no code.
  if (original instanceof GraphQLError && !original.originalError && !original.path && original.extensions?.code === undefined) {
    return { message: withoutValues(formatted.message), extensions: { code: "BAD_REQUEST" } };
  }
  const requestId = (original && typeof original === "object" && requestIds.get(original)) || randomUUID();
  return {
    message: `Internal server error (request id ${requestId})`,
    extensions: { code: INTERNAL_SERVER_ERROR, requestId },
    ...path,
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
            if (original instanceof DomainError || original instanceof ArgumentValidationError) continue;
            if (original instanceof GraphQLError && REQUEST_ERROR_CODES.has(String(original.extensions?.code))) continue;
            if (original instanceof Error && original.message.includes(QUERY_TOO_COMPLEX_MESSAGE)) continue;
            if (original instanceof GraphQLError && !original.originalError && !original.path && original.extensions?.code === undefined) continue;
            if (original && typeof original === "object") requestIds.set(original, contextValue.requestId);
            const level = isDatabaseUnavailable(original) ? "warn" : "error";
            logger[level]({ err: original, requestId: contextValue.requestId, path: error.path }, "operation failed");
          }
        },
      };
    },
  };
}
