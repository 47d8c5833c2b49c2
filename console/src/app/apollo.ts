import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { OperationTypeNode, print } from "graphql";
import { MeDocument, type MeQuery } from "../graphql/generated";
import type { LiveConnection } from "./live";

export const GRAPHQL_PATH = "/graphql";

/** One client per signed-in credential: signing out drops it, cache and all. Subscriptions go over the live socket, the rest over HTTP. */
export function createApolloClient(credential: string, live: LiveConnection): ApolloClient {
  const http = new HttpLink({ uri: GRAPHQL_PATH, headers: { authorization: `Bearer ${credential}` } });
  const isSubscription = (operation: ApolloLink.Operation) => operation.operationType === OperationTypeNode.SUBSCRIPTION;
  return new ApolloClient({
    link: ApolloLink.split(isSubscription, new GraphQLWsLink(live.client), http),
    cache: new InMemoryCache({
      typePolicies: {
        // Lists are read page by page with their own arguments: no merging across cursors. An identity's keys are cached apart from the keys list.
        Query: { fields: { apiKeys: { keyArgs: ["tenantId", "filter", ["identityId"]], merge: false }, auditEvents: { merge: false }, identities: { merge: false }, webhookEndpoints: { merge: false }, webhookDeliveries: { merge: false }, keyUsage: { merge: false }, tenantUsage: { merge: false } } },
        // A key's credits are a value, not an entity: a newer answer replaces the older.
        ApiKey: { fields: { credits: { merge: false }, rateLimits: { merge: false } } },
        Identity: { fields: { rateLimits: { merge: false } } },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: "cache-and-network" } },
  });
}

export class SignInError extends Error {}

/** Asks `me` with a credential before any client is made for it. */
export async function fetchPrincipal(credential: string): Promise<MeQuery["me"]> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${credential}` },
      body: JSON.stringify({ query: print(MeDocument) }),
    });
  } catch {
    throw new SignInError("Cannot reach the Keysmith server. Check your connection.");
  }
  let body: { data?: MeQuery; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  try {
    body = await response.json();
  } catch {
    throw new SignInError(`The server answered ${response.status}. Try again shortly.`);
  }
  const code = body.errors?.[0]?.extensions?.code;
  if (code === "UNAUTHENTICATED") throw new SignInError("This key or token was not accepted: it is unknown, revoked, expired or disabled.");
  if (code === "RATE_LIMITED") throw new SignInError("Too many failed attempts from this address. Wait a minute and try again.");
  if (!body.data?.me) throw new SignInError(body.errors?.[0]?.message ?? "Sign-in failed.");
  return body.data.me;
}
