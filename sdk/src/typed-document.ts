/**
 * A GraphQL operation as the text sent on the wire, carrying the types of its result and its
 * variables at compile time only (so the SDK needs no GraphQL library at run time).
 */
export interface TypedDocument<TResult, TVariables> {
  readonly operationName?: string;
  readonly query: string;
  /** Never set: it carries the types. */
  readonly __types?: { result: TResult; variables: TVariables };
}

export type ResultOf<TDocument> = TDocument extends TypedDocument<infer TResult, unknown> ? TResult : never;
export type VariablesOf<TDocument> = TDocument extends TypedDocument<unknown, infer TVariables> ? TVariables : never;

/** Types a document of your own for `client.request`: `typedDocument<MyResult, MyVariables>("query ...")`. */
export function typedDocument<TResult, TVariables = Record<string, never>>(query: string, operationName?: string): TypedDocument<TResult, TVariables> {
  return operationName === undefined ? { query } : { query, operationName };
}
