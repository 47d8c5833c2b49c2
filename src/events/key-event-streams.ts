import { forbidden } from "../common/errors";
import { KeysScope } from "../core/reserved-scopes";
import { mayPerform, refusalReason } from "../principals/authorization";
import type { Principal } from "../principals/principal";
import { actingTenantId } from "../principals/tenant-access";
import type { EventHub } from "./event-hub";
import type { KeyEvent } from "./key-event.types";

const REQUIRED = [KeysScope.LIST];

/** keyEvents: the tenant's live events, for a principal that may list its keys. */
export class KeyEventStreams {
  constructor(private readonly hub: EventHub) {}

  /** Refuses before any event flows; the socket closes when the credential stops holding. */
  open(principal: Principal, tenantId: string | null | undefined): AsyncIterableIterator<KeyEvent> {
    if (!mayPerform(principal, REQUIRED)) throw forbidden(`Not allowed: ${refusalReason(principal, REQUIRED)}`, { requiredScopes: REQUIRED, targetId: null });
    return this.hub.stream(actingTenantId(principal, tenantId));
  }
}
