import { GrantSet } from "../core/scope-evaluator";
import { ROOT_SCOPES } from "../core/reserved-scopes";
import { PLATFORM_TENANT_ID } from "../core/tenancy";
import { ActorKind, type Caller, PrincipalKind } from "./principal";

/** Keysmith itself, acting at start-up or from the command line (creating root keys). */
export function systemCaller(label: string): Caller {
  return {
    principal: {
      kind: PrincipalKind.ROOT,
      tenantId: PLATFORM_TENANT_ID,
      tenantSuspended: false,
      keyId: null,
      name: label,
      scopes: ROOT_SCOPES,
      grants: GrantSet.of(ROOT_SCOPES),
      actor: { kind: ActorKind.SYSTEM, id: "system", label },
    },
    request: { requestId: `${label}-${Date.now()}`, ip: "local", userAgent: null },
  };
}
