import { type FieldError, KeysmithError } from "./errors";
import type { TypedDocument } from "./typed-document";
import { type JsonAnswer, type Transport, isObject, postJson, unexpectedAnswer } from "./transport";

interface GraphqlErrorBody {
  message?: unknown;
  extensions?: { code?: unknown; requestId?: unknown; fields?: unknown };
}

/** A GraphQL error as a KeysmithError: its code is `extensions.code`. */
export function graphqlError(answer: JsonAnswer, error: GraphqlErrorBody): KeysmithError {
  const extensions = isObject(error.extensions) ? error.extensions : {};
  return new KeysmithError({
    code: typeof extensions.code === "string" ? extensions.code : "INTERNAL_SERVER_ERROR",
    status: answer.status,
    message: typeof error.message === "string" ? error.message : "GraphQL error",
    requestId: typeof extensions.requestId === "string" ? extensions.requestId : answer.requestId,
    fields: Array.isArray(extensions.fields) ? (extensions.fields as FieldError[]) : null,
    retryAfterSeconds: answer.retryAfterSeconds,
  });
}

/** Runs one operation on /graphql; its first error, if any, is thrown. */
export async function runGraphql<TResult, TVariables>(transport: Transport, document: TypedDocument<TResult, TVariables> | string, variables?: TVariables): Promise<TResult> {
  const { query, operationName } = typeof document === "string" ? { query: document, operationName: undefined } : document;
  const answer = await postJson(transport, "/graphql", { query, ...(operationName ? { operationName } : {}), variables: variables ?? {} });
  const body = answer.body;
  if (!isObject(body)) throw unexpectedAnswer(answer, "a GraphQL response");
  if (Array.isArray(body.errors) && body.errors.length > 0) throw graphqlError(answer, body.errors[0] as GraphqlErrorBody);
  if (!isObject(body.data)) throw unexpectedAnswer(answer, "data");
  return body.data as TResult;
}
