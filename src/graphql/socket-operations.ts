import { type ExecutionArgs, type GraphQLFormattedError, GraphQLError, type GraphQLSchema, Kind, type FragmentDefinitionNode, getOperationAST, parse, specifiedRules, validate } from "graphql";
import type { SubscribePayload } from "graphql-ws";
import { ErrorCode } from "../common/errors";
import { formatError } from "./error-formatting";
import { MAX_QUERY_COST, operationCost } from "./query-cost";
import { MAX_TOKENS, QUERY_TOO_COMPLEX_MESSAGE, queryLimits } from "./query-limits";

export const SUBSCRIPTIONS_ONLY = "Only subscriptions are served over WebSocket: send queries and mutations with POST /graphql";

const refusal = (message: string, code: ErrorCode) => new GraphQLError(message, { extensions: { code } });
/** The code Apollo gives the same failure over POST (query limits are told apart by their message). */
const withCode = (error: GraphQLError, code: ErrorCode) => new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { code, ...error.extensions } });

/**
 * graphql-ws executes outside Apollo: an operation sent over the socket gets the same parse
 * limit, validation rules, query limits and cost limit as one sent with POST, and must be a
 * subscription. Returns what to execute, or the refusals.
 */
export function socketOperation(schema: GraphQLSchema): (payload: SubscribePayload) => Omit<ExecutionArgs, "contextValue"> | readonly GraphQLError[] {
  const rules = [...specifiedRules, ...queryLimits().protect().validationRules];
  return (payload) => {
    let document;
    try {
      document = parse(payload.query, { maxTokens: MAX_TOKENS });
    } catch (error) {
      return [withCode(error instanceof GraphQLError ? error : new GraphQLError("The operation could not be parsed"), ErrorCode.GRAPHQL_PARSE_FAILED)];
    }
    const invalid = validate(schema, document, rules);
    if (invalid.length > 0) return invalid.map((error) => withCode(error, ErrorCode.GRAPHQL_VALIDATION_FAILED));
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [refusal("Name the operation to run", ErrorCode.BAD_REQUEST)];
    if (operation.operation !== "subscription") return [refusal(SUBSCRIPTIONS_ONLY, ErrorCode.BAD_REQUEST)];
    const variables = (payload.variables ?? {}) as Record<string, unknown>;
    const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
    if (operationCost(schema, operation, fragments, variables) > MAX_QUERY_COST) return [refusal(QUERY_TOO_COMPLEX_MESSAGE, ErrorCode.QUERY_TOO_COMPLEX)];
    return { schema, document, operationName: payload.operationName, variableValues: variables };
  };
}

/** Errors as POST /graphql answers them: a stable code, no stack, no echoed values. */
export function formatSocketErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => formatError(error.toJSON(), error));
}
