import { registerEnumType } from "type-graphql";

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
}
registerEnumType(CheckCode, {
  name: "CheckCode",
  valuesConfig: {
    VALID: { description: "Authentic, usable, and the required scopes are satisfied." },
    MALFORMED: { description: "Wrong format or checksum: rejected with no database or bcrypt work." },
    NOT_FOUND: { description: "Unknown key, wrong secret, or a key of another tenant." },
    IP_NOT_ALLOWED: { description: "The client address is outside the key's allowlist (or was not given)." },
    TENANT_SUSPENDED: { description: "The key's tenant is suspended." },
    SUBSCRIPTION_INACTIVE: { description: "The subscription checked against (or every bound one) is not ACTIVE." },
    SUBSCRIPTION_MISMATCH: { description: "The key is not bound to the given subscription." },
    UNKNOWN_SCOPE: { description: "A required scope is not in the catalog: never allowed." },
    FORBIDDEN: { description: "Valid key, but the required scopes are not granted." },
    RATE_LIMITED: { description: "Valid key over its own rate limit." },
  },
});

/** Codes for which the key itself is authentic and usable. */
export const VALID_KEY_CODES: ReadonlySet<CheckCode> = new Set([
  CheckCode.VALID,
  CheckCode.FORBIDDEN,
  CheckCode.UNKNOWN_SCOPE,
  CheckCode.RATE_LIMITED,
]);
