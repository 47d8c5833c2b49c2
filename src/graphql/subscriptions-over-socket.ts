import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { ErrorCode } from "../common/errors";
import type { RequestContext } from "../principals/request-context";

export const SUBSCRIPTIONS_OVER_SOCKET = "Subscriptions are served over WebSocket (graphql-ws) on /graphql, not with POST";

/** POST /graphql runs queries and mutations; a subscription sent there is refused before execution. */
export function subscriptionsOverSocketPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === "subscription") {
            throw new GraphQLError(SUBSCRIPTIONS_OVER_SOCKET, { extensions: { code: ErrorCode.BAD_REQUEST, http: { status: 400 } } });
          }
        },
      };
    },
  };
}
