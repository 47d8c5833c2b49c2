import type { ExpiryPolicy } from "../core/key-rules";
import type { LeakedKeyAction } from "../core/leaked-key-action";

/** The rules a tenant sets for its keys, and the prefix new keys get. */
export interface KeyPolicy extends ExpiryPolicy {
  keyPrefix: string;
  expiringSoonDays: number;
  leakedKeyAction: LeakedKeyAction;
}

/** Where key operations read a tenant's policy (the tenants feature provides it). */
export interface KeyPolicies {
  /** NOT_FOUND when the tenant does not exist. */
  get(tenantId: string): Promise<KeyPolicy>;
}
