import type { ContainerType } from "type-graphql";
import { unauthenticated } from "../common/errors";
import type { Caller, Principal, RequestMeta } from "./principal";

/** Per request: who is calling, from where, and the application instance serving it. */
export interface RequestContext extends RequestMeta {
  principal: Principal | null;
  /** Resolves resolver classes to this instance's objects (several instances may share a process). */
  container: ContainerType;
}

/** The caller of an operation that passed its @Authorized check. */
export function callerOf(context: RequestMeta & { principal: Principal | null }): Caller {
  if (!context.principal) throw unauthenticated();
  return {
    principal: context.principal,
    request: { requestId: context.requestId, ip: context.ip, userAgent: context.userAgent },
  };
}
