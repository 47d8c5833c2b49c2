import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApolloServer, HeaderMap } from "@apollo/server";
import type { ContainerType } from "type-graphql";
import { type Authenticator, readCredential } from "../auth/authenticator";
import { ErrorCode, requestError } from "../common/errors";
import type { AddressSet } from "../common/network";
import type { Principal } from "../principals/principal";
import type { RequestContext } from "../principals/request-context";
import { readBody } from "./body";
import { clientAddress } from "./client-address";
import type { Cors } from "./cors";

export interface GraphqlRouteDependencies {
  apollo: ApolloServer<RequestContext>;
  authenticator: Authenticator;
  /** Resolves resolver classes to this instance's objects. */
  container: ContainerType;
  trustedProxies: AddressSet | null;
  cors: Cors;
}

function toHeaderMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

async function parsedBody(request: IncomingMessage): Promise<unknown> {
  const text = await readBody(request);
  if (!(request.headers["content-type"] ?? "").includes("application/json")) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw requestError(ErrorCode.BAD_REQUEST, "The body is not valid JSON");
  }
}

/**
 * POST /graphql runs an operation; GET /graphql serves only the landing page (a query in a URL
 * would put keys in access logs). The request's credential becomes its principal before Apollo
 * runs, so a refused credential costs no GraphQL work.
 */
export function graphqlRoute(deps: GraphqlRouteDependencies) {
  async function principalOf(request: IncomingMessage, ip: string): Promise<Principal | null> {
    const credential = readCredential(request.headers);
    return credential === undefined ? null : deps.authenticator.authenticate(credential, ip);
  }

  return async function handleGraphql(request: IncomingMessage, response: ServerResponse, requestId: string, search: string): Promise<void> {
    if (request.method === "GET" && new URLSearchParams(search).has("query")) {
      throw requestError(ErrorCode.METHOD_NOT_ALLOWED, "Send operations with POST: a query in a URL would put keys in access logs");
    }
    if (request.method !== "GET" && request.method !== "POST") throw requestError(ErrorCode.METHOD_NOT_ALLOWED, "Use POST /graphql");
    const ip = clientAddress(request, deps.trustedProxies);
    const post = request.method === "POST";
    const body = post ? await parsedBody(request) : undefined;
    const context: RequestContext = {
      requestId,
      ip,
      userAgent: request.headers["user-agent"]?.slice(0, 500) ?? null,
      principal: post ? await principalOf(request, ip) : null,
      container: deps.container,
    };
    const result = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? "GET", headers: toHeaderMap(request), search, body },
      context: async () => context,
    });
    const headers: Record<string, string> = { ...deps.cors.headers(request), "x-request-id": requestId };
    for (const [name, value] of result.headers) headers[name] = value;
    if (result.body.kind === "complete") {
      headers["content-length"] = String(Buffer.byteLength(result.body.string));
      response.writeHead(result.status ?? 200, headers);
      response.end(result.body.string);
      return;
    }
    response.writeHead(result.status ?? 200, headers);
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };
}
