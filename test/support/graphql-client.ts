export interface GraphQLErrorBody {
  message: string;
  path?: string[];
  extensions?: { code?: string; field?: string; requestId?: string; [key: string]: unknown };
}

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data: T;
  errors?: GraphQLErrorBody[];
  /** The raw response body, for checks that nothing leaks. */
  text: string;
  /** The server's x-request-id: what it logs the request under (and counts its work by). */
  requestId: string | null;
}

export interface GraphQLClient {
  request<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResult<T>>;
  /** The same request; fails the test unless it succeeded without errors. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The error code of a request expected to fail. */
  code(query: string, variables?: Record<string, unknown>): Promise<string | undefined>;
  as(credential: string): GraphQLClient;
}

export function graphqlClient(url: string, credential?: string): GraphQLClient {
  const client: GraphQLClient = {
    async request(query, variables, headers = {}) {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(credential ? { authorization: `Bearer ${credential}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      const body = JSON.parse(text);
      return { status: response.status, data: body.data, errors: body.errors, text, requestId: response.headers.get("x-request-id") };
    },
    async ok(query, variables) {
      const result = await client.request(query, variables);
      if (result.errors?.length) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(result.errors)}`);
      return result.data as never;
    },
    async code(query, variables) {
      const result = await client.request(query, variables);
      return result.errors?.[0]?.extensions?.code;
    },
    as: (next) => graphqlClient(url, next),
  };
  return client;
}
