import type { ApolloServerPlugin } from "@apollo/server";
import type { OperationDefinitionNode } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { MUTATION_ACTIONS } from "../audit/mutation-actions";
import type { AuditService } from "../audit/audit.service";
import { DomainError } from "../common/errors";
import { callerOf, type RequestContext } from "../principals/request-context";

/** The mutation field a response key (its alias or its name) answers. */
function fieldNameOf(operation: OperationDefinitionNode, responseKey: string): string | undefined {
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === "Field" && (selection.alias ?? selection.name).value === responseKey) return selection.name.value;
  }
  return undefined;
}

/**
 * The one place that records refused mutations: each FORBIDDEN answer carrying a denial (from the
 * auth checker or a service) becomes one DENIED audit event, in a transaction of its own.
 */
export function deniedAuditPlugin(audit: AuditService): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operation }) {
          if (operation?.operation !== "mutation" || !contextValue.principal) return;
          for (const error of errors) {
            const original = unwrapResolverError(error);
            const responseKey = error.path?.[0];
            const field = typeof responseKey === "string" ? fieldNameOf(operation, responseKey) : undefined;
            const mutation = field ? MUTATION_ACTIONS[field] : undefined;
            const denial = original instanceof DomainError ? original.details.denial : undefined;
            if (!mutation || !denial || error.path?.length !== 1) continue;
            await audit.recordDenied(callerOf(contextValue), {
              tenantId: contextValue.principal.tenantId,
              action: mutation.action,
              targetType: mutation.targetType,
              targetId: denial.targetId,
              changes: { requiredScopes: { before: null, after: denial.requiredScopes } },
            });
          }
        },
      };
    },
  };
}
