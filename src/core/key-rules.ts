import { type FieldError, badInput } from "../common/errors";
import { LOCAL_ONLY, parseCidr } from "../common/network";
import { WILDCARD_GRANT } from "./scope-grammar";

export const DAY_MS = 24 * 60 * 60 * 1000;
export const MIN_EXPIRY_AHEAD_MS = 60 * 60 * 1000;
export const MAX_CIDRS = 100;
export const MAX_METADATA_BYTES = 4096;
export const MAX_GRACE_PERIOD_SECONDS = 7 * 24 * 60 * 60;

export interface ExpiryPolicy {
  maxTtlDays: number;
  requireExpiry: boolean;
  wildcardMaxTtlDays: number;
}

/**
 * The expiry a create or update asks for: `expiresAt`, or `expiresInDays` counted as N x 24 h from
 * the request. Set expiries must lie at least one hour ahead and within the tenant's maxTtlDays
 * (inclusive). Returns null for "never expires", undefined when the input does not touch expiry.
 */
export function resolveExpiry(
  input: { expiresAt?: Date | null; expiresInDays?: number | null },
  policy: ExpiryPolicy,
  now: number,
): Date | null | undefined {
  const { expiresAt, expiresInDays } = input;
  if (expiresAt !== undefined && expiresAt !== null && expiresInDays !== undefined && expiresInDays !== null) {
    throw badInput("expiresAt", "give either expiresAt or expiresInDays, not both");
  }
  let expiry: Date | null | undefined;
  let field = "expiresAt";
  if (expiresInDays !== undefined && expiresInDays !== null) {
    field = "expiresInDays";
    if (!Number.isInteger(expiresInDays) || expiresInDays < 1) throw badInput(field, "must be a whole number of days, at least 1");
    expiry = new Date(now + expiresInDays * DAY_MS);
  } else if (expiresAt !== undefined) {
    expiry = expiresAt;
  } else if (expiresInDays === null) {
    expiry = null;
  }
  if (expiry === undefined) return undefined;
  if (expiry === null) {
    if (policy.requireExpiry) throw badInput(field, "is required by the tenant's policy");
    return null;
  }
  if (Number.isNaN(expiry.getTime())) throw badInput(field, "must be a date-time");
  if (expiry.getTime() < now + MIN_EXPIRY_AHEAD_MS) throw badInput(field, "must be at least one hour in the future");
  if (expiry.getTime() > now + policy.maxTtlDays * DAY_MS) {
    throw badInput(field, `must be within the tenant's limit of ${policy.maxTtlDays} days`);
  }
  return expiry;
}

/** `*:*` is allowed only on keys expiring within the tenant's wildcardMaxTtlDays (inclusive). */
export function assertWildcardExpiry(scopes: readonly string[], expiresAt: Date | null, policy: ExpiryPolicy, now: number): void {
  if (!scopes.includes(WILDCARD_GRANT)) return;
  if (expiresAt === null || expiresAt.getTime() > now + policy.wildcardMaxTtlDays * DAY_MS) {
    throw badInput("scopes", `*:* is allowed only on keys expiring within ${policy.wildcardMaxTtlDays} days`);
  }
}

/** IPv4/IPv6 CIDRs or bare addresses, or LOCAL_ONLY; deduplicated, order kept. */
export function validateCidrs(cidrs: readonly string[]): string[] {
  if (cidrs.length > MAX_CIDRS) throw badInput("allowedCidrs", `must hold at most ${MAX_CIDRS} entries`);
  const [malformed] = cidrFormErrors(cidrs);
  if (malformed) throw badInput(malformed.field, malformed.message);
  return [...new Set(cidrs.map((entry) => (entry.trim() === LOCAL_ONLY ? LOCAL_ONLY : entry.trim().toLowerCase())))];
}

/** Each allowlist entry that is neither a CIDR, an address nor LOCAL_ONLY, by position. */
export function cidrFormErrors(cidrs: readonly string[] | null | undefined): FieldError[] {
  return (cidrs ?? []).flatMap((entry, index) =>
    entry.trim() === LOCAL_ONLY || parseCidr(entry.trim())
      ? []
      : [{ field: `allowedCidrs[${index}]`, message: "must be an IPv4 or IPv6 CIDR, an address, or LOCAL_ONLY" }],
  );
}

export function validateMetadata(metadata: Record<string, unknown> | null): Record<string, unknown> | null {
  if (metadata === null) return null;
  if (Buffer.byteLength(JSON.stringify(metadata)) > MAX_METADATA_BYTES) {
    throw badInput("metadata", `must be at most ${MAX_METADATA_BYTES} bytes of JSON`);
  }
  return metadata;
}

export function validateGracePeriod(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_GRACE_PERIOD_SECONDS) {
    throw badInput("gracePeriodSeconds", `must be from 0 to ${MAX_GRACE_PERIOD_SECONDS}`);
  }
  return seconds;
}
