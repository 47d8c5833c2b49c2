import type { BlockList } from "node:net";
import type { GrantSet } from "./scope-evaluator";

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
  rateLimit: { limit: number; windowSeconds: number } | null;
  /** A key of the platform tenant holding platform:* is the platform root. */
  isRoot: boolean;
}
