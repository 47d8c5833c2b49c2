import type { KeyVerifier, Sender } from "../check/key-verifier";
import type { Senders } from "../check/senders";
import { parseKey } from "../core/key-format";
import type { LeakedKeyAction } from "../core/leaked-key-action";
import type { ApiKey } from "../keys/api-key.entity";
import type { KeysService } from "../keys/keys.service";
import { type Caller, PrincipalKind } from "../principals/principal";
import { actingTenantId } from "../principals/tenant-access";

export interface Leak {
  /** Where the key was found: "github", "a support ticket", ... */
  source: string;
  url: string | null;
}

export type LeakVerdict =
  /** Not a Keysmith key: a bad checksum (no database work), an unknown key or a forged secret. */
  | { authentic: false; malformed: boolean }
  | { authentic: true; apiKey: ApiKey; action: LeakedKeyAction };

/**
 * What happens when a key is reported leaked: it acts only when the full key verifies through
 * the one verification pipeline (checksum first, then the lookup and the bcrypt compare, paid for
 * by the reporter), and then the key's tenant's leakedKeyAction is applied.
 */
export class LeakResponse {
  constructor(
    private readonly verifier: KeyVerifier,
    private readonly keys: KeysService,
    private readonly senders: Senders,
  ) {}

  /** A principal's report: only its own tenant's keys are found (root's, any key). */
  byPrincipal(caller: Caller, presented: string, leak: Leak, clientIp: string): Promise<LeakVerdict> {
    const { principal } = caller;
    // The platform tenant is root's: its other principals may report nothing (FORBIDDEN).
    const onlyTenant = principal.kind === PrincipalKind.ROOT ? undefined : actingTenantId(principal);
    return this.respond(caller, presented, leak, this.senders.caller(principal, clientIp), onlyTenant);
  }

  /** A secret scanning service's report (its signature verified): any tenant's key. */
  byScanner(reporter: Caller, scanner: string, presented: string, leak: Leak): Promise<LeakVerdict> {
    return this.respond(reporter, presented, leak, this.senders.scanner(scanner), undefined);
  }

  private async respond(caller: Caller, presented: string, leak: Leak, sender: Sender, onlyTenant: string | undefined): Promise<LeakVerdict> {
    if (!parseKey(presented)) return { authentic: false, malformed: true };
    const authentication = await this.verifier.authenticate(presented, sender, onlyTenant);
    if (!authentication.ok) return { authentic: false, malformed: false };
    const { apiKey, action } = await this.keys.respondToLeak(authentication.state.tenantId, caller, authentication.state.id, leak);
    return { authentic: true, apiKey, action };
  }
}
