import type { ApolloServerPlugin } from "@apollo/server";
import type { OperationDefinitionNode } from "graphql";
import type { FailureBudget } from "../check/rate-limits";
import { rateLimited } from "../common/errors";
import type { KeyedSemaphore } from "../common/keyed-semaphore";
import type { RequestContext } from "../principals/request-context";

/** Root fields that are not management: checks have budgets of their own, and __typename costs nothing. */
const NOT_MANAGEMENT: ReadonlySet<string> = new Set(["checkKey", "__typename"]);

export interface ManagementLimits {
  /** Each principal's budget of management requests. */
  requestsOf(principalId: string): FailureBudget;
  /** Each tenant's share of the database connections (absent on the embedded database: one statement at a time anyway). */
  databaseShare?: KeyedSemaphore;
}

const isManagement = (operation: OperationDefinitionNode): boolean =>
  operation.selectionSet.selections.some((selection) => selection.kind !== "Field" || !NOT_MANAGEMENT.has(selection.name.value));

/**
 * Management requests are rate limited per principal (429 with Retry-After past the budget, no
 * one else touched), and run within their tenant's share of the database connections: a tenant's
 * expensive reads queue behind each other, never in front of another tenant's.
 */
export function managementLimitsPlugin(limits: ManagementLimits): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      let release: (() => void) | undefined;
      return {
        async didResolveOperation({ operation, contextValue }) {
          const { principal } = contextValue;
          if (!principal || !operation || !isManagement(operation)) return;
          const wait = await limits.requestsOf(`${principal.tenantId}:${principal.actor.id}`).spend();
          if (wait !== undefined) throw rateLimited("Too many requests from this principal; try again later", wait / 1000);
          release = await limits.databaseShare?.acquire(principal.tenantId);
        },
        async willSendResponse() {
          release?.();
        },
      };
    },
  };
}
