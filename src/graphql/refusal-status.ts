import type { ApolloServerPlugin } from "@apollo/server";
import { ErrorCode } from "../common/errors";
import type { RequestContext } from "../principals/request-context";

/**
 * One shape for refusals, whichever step refused. An operation that needs a principal, sent with
 * none, is answered as a bad credential is: 401 UNAUTHENTICATED with the request id and no data.
 * Every RATE_LIMITED error is HTTP 429 with Retry-After.
 */
export function refusalStatusPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single") return;
          const { singleResult } = response.body;
          const codes = singleResult.errors?.map((error) => error.extensions?.code) ?? [];
          if (codes.includes(ErrorCode.UNAUTHENTICATED)) {
            const refusal = singleResult.errors!.find((error) => error.extensions?.code === ErrorCode.UNAUTHENTICATED)!;
            response.body.singleResult = {
              errors: [{ message: refusal.message, extensions: { code: ErrorCode.UNAUTHENTICATED, requestId: contextValue.requestId } }],
            };
            response.http.status = 401;
            return;
          }
          if (!codes.includes(ErrorCode.RATE_LIMITED)) return;
          const waits = singleResult.errors!.map((error) => Number(error.extensions?.retryAfterSeconds ?? 0));
          response.http.status = 429;
          response.http.headers.set("retry-after", String(Math.max(1, ...waits)));
        },
      };
    },
  };
}
