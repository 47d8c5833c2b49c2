import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import type { MiddlewareFn } from "type-graphql";
import { DomainError } from "../common/errors";

const pathOf = (info: GraphQLResolveInfo): Array<string | number> => {
  const path: Array<string | number> = [];
  for (let segment: GraphQLResolveInfo["path"] | undefined = info.path; segment; segment = segment.prev) path.unshift(segment.key);
  return path;
};

/**
 * Gives a refusal thrown by a resolver its place in the document itself, without a stack trace,
 * so graphql-js does not wrap it in a GraphQLError of its own (capturing a stack). Refusals are
 * what a flood is answered with: they must cost less than answers.
 */
export const locateDomainErrors: MiddlewareFn = async ({ info }, next) => {
  try {
    return await next();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      throw new GraphQLError(error.message, { nodes: info.fieldNodes, path: pathOf(info), originalError: error });
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
};
