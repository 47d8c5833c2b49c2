import type { AuthCheckerFn } from "type-graphql";
import { forbidden, unauthenticated } from "../common/errors";
import { isUuid } from "../common/ids";
import { mayPerform, refusalReason } from "../principals/authorization";
import type { RequestContext } from "../principals/request-context";

function targetIdOf(args: Record<string, unknown>): string | null {
  const input = args.input as { id?: unknown } | undefined;
  return typeof input?.id === "string" && isUuid(input.id) ? input.id.toLowerCase() : null;
}

/**
 * `@Authorized("keys:create")` lists the scopes an operation requires (all of them). It only
 * answers: a refusal carries what was required, and the denied-audit plugin records it.
 */
export const authChecker: AuthCheckerFn<RequestContext, string> = ({ context, args }, scopes) => {
  const { principal } = context;
  if (!principal) throw unauthenticated();
  if (mayPerform(principal, scopes)) return true;
  throw forbidden(`Not allowed: ${refusalReason(principal, scopes)}`, { requiredScopes: scopes, targetId: targetIdOf(args) });
};
