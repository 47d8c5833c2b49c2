import { OPERATIONS } from "./generated/graphql";
import type { CheckRequest, CheckResult } from "./generated/rest";
import { runGraphql } from "./graphql";
import { checkOverRest } from "./rest";
import type { Fetch, Transport } from "./transport";
import type { TypedDocument } from "./typed-document";

export interface KeysmithOptions {
  /** Keysmith's base URL, such as http://127.0.0.1:4000. */
  url: string;
  /** The credential sent as `Authorization: Bearer`: a key (or a tenant's JWT); checks need keys:verify. */
  token?: string;
  /** Defaults to the global fetch. */
  fetch?: Fetch;
  /** How long to wait for each answer, body included (default 5000). */
  timeoutMs?: number;
}

type Operation = (typeof OPERATIONS)[keyof typeof OPERATIONS];

/** A method runs its operation and answers its one root field; variables are optional when all are. */
type MethodOf<TOperation extends Operation> =
  TOperation["document"] extends TypedDocument<infer TResult, infer TVariables>
    ? {} extends TVariables
      ? (variables?: TVariables) => Promise<TResult[TOperation["field"] & keyof TResult]>
      : (variables: TVariables) => Promise<TResult[TOperation["field"] & keyof TResult]>
    : never;

/** The typed management operations, one per root field of the API (see src/operations/*.graphql). */
export type ManagementOperations = { [TName in keyof typeof OPERATIONS]: MethodOf<(typeof OPERATIONS)[TName]> };

export interface KeysmithClient extends ManagementOperations {
  /**
   * POST /v1/keys.check. Resolves the decision for every answer Keysmith gives, a bad key included
   * (its `code` says why); rejects with a KeysmithError when Keysmith refuses the request or cannot answer.
   */
  check(input: CheckRequest): Promise<CheckResult>;
  /** Any GraphQL operation: a typed document (see `typedDocument`) or its text. */
  request<TResult, TVariables>(document: TypedDocument<TResult, TVariables>, variables?: TVariables): Promise<TResult>;
  request(document: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

const DEFAULT_TIMEOUT_MS = 5000;

function transportOf(options: KeysmithOptions): Transport {
  const url = new URL(options.url);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`Keysmith's url must be http or https, not ${url.protocol}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError("timeoutMs must be a positive integer");
  const fetch = options.fetch ?? (globalThis.fetch as Fetch | undefined);
  if (!fetch) throw new TypeError("No fetch: use Node.js 20 or newer, or pass one");
  return { baseUrl: url.href.replace(/\/+$/, ""), token: options.token, fetch, timeoutMs };
}

/** A client for one Keysmith and one credential. */
export function createKeysmith(options: KeysmithOptions): KeysmithClient {
  const transport = transportOf(options);
  const request = <TResult, TVariables>(document: TypedDocument<TResult, TVariables> | string, variables?: TVariables) =>
    runGraphql(transport, document, variables);
  const operations = Object.fromEntries(
    Object.entries(OPERATIONS).map(([name, { document, field }]) => [
      name,
      async (variables?: Record<string, unknown>) => ((await request(document as TypedDocument<Record<string, unknown>, unknown>, variables)) as Record<string, unknown>)[field],
    ]),
  ) as unknown as ManagementOperations;
  return { ...operations, check: (input) => checkOverRest(transport, input), request: request as KeysmithClient["request"] };
}
