/** checkKey's answer codes, in the order they are checked. */
export enum CheckCode {
  VALID = "VALID",
  MALFORMED = "MALFORMED",
  NOT_FOUND = "NOT_FOUND",
  IP_NOT_ALLOWED = "IP_NOT_ALLOWED",
  REVOKED = "REVOKED",
  EXPIRED = "EXPIRED",
  DISABLED = "DISABLED",
  TENANT_SUSPENDED = "TENANT_SUSPENDED",
  SUBSCRIPTION_INACTIVE = "SUBSCRIPTION_INACTIVE",
  SUBSCRIPTION_MISMATCH = "SUBSCRIPTION_MISMATCH",
  UNKNOWN_SCOPE = "UNKNOWN_SCOPE",
  FORBIDDEN = "FORBIDDEN",
  RATE_LIMITED = "RATE_LIMITED",
  USAGE_EXCEEDED = "USAGE_EXCEEDED",
}

/** Codes for which the key itself is authentic and usable. */
export const VALID_KEY_CODES: ReadonlySet<CheckCode> = new Set([
  CheckCode.VALID,
  CheckCode.FORBIDDEN,
  CheckCode.UNKNOWN_SCOPE,
  CheckCode.RATE_LIMITED,
  CheckCode.USAGE_EXCEEDED,
]);
