import type { BlockList } from "node:net";
import type { CreditRefill } from "./credits";
import type { NamedLimit } from "./named-limits";
import type { GrantSet } from "./scope-evaluator";

/** Where a key's checks spend credits: its own row, or (a superseded key in its grace period) its successor's. */
export interface CreditSource {
  keyId: string;
  refill: CreditRefill | null;
}

/** What a check needs to know of a key, cached by key id. Never leaves the process. */
export interface KeyState {
  id: string;
  tenantId: string;
  name: string;
  externalId: string | null;
  metadata: Record<string, unknown> | null;
  secretHash: string;
  enabled: boolean;
  expiresAt: number | null;
  /** May lie in the future: a scheduled revocation. */
  revokedAt: number | null;
  scopes: string[];
  grants: GrantSet;
  subscriptionIds: string[];
  allowedCidrs: string[];
  allowlist: BlockList | null;
  rateLimits: NamedLimit[];
  identityId: string | null;
  /** null: the key has no credits, and checks spend nothing (no database work). */
  credits: CreditSource | null;
  /** A key of the platform tenant holding platform:* is the platform root. */
  isRoot: boolean;
}

/** What a check needs of the identity that owns a key, cached by identity id. */
export interface IdentityState {
  id: string;
  tenantId: string;
  externalId: string;
  name: string | null;
  metadata: Record<string, unknown> | null;
  /** Shared by every key of the identity; a key's limit of the same name overrides it. */
  rateLimits: NamedLimit[];
}
