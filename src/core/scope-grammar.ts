/**
 * Scope strings. Grants: `*:*`, `*:read`, `ns:*`, `ns:read`, `ns:Operation`.
 * Requirements: `ns:Operation`, `ns:read`, `ns:write`. Segments compare exactly.
 */
export type Access = "READ" | "WRITE";

export const WILDCARD = "*";
/** Everything (but `keys` and `platform`). */
export const WILDCARD_GRANT = "*:*";
/** Every READ operation (but of `keys` and `platform`). */
export const READ_ALL_GRANT = "*:read";
export const READ_LEVEL = "read";
export const WRITE_LEVEL = "write";

/** Namespaces that describe Keysmith's own API: the wildcards `*:*` and `*:read` never cover them. */
export const RESERVED_NAMESPACES: ReadonlySet<string> = new Set(["keys", "platform"]);

export const NAMESPACE_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;
export const OPERATION_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const RESERVED_OPERATION_NAMES = new Set([READ_LEVEL, WRITE_LEVEL]);

export type Grant =
  | { kind: "all" }
  | { kind: "allRead" }
  | { kind: "namespaceAll"; namespace: string }
  | { kind: "namespaceRead"; namespace: string }
  | { kind: "operation"; namespace: string; operation: string };

export type Requirement =
  | { kind: "read"; namespace: string }
  | { kind: "write"; namespace: string }
  | { kind: "operation"; namespace: string; operation: string };

export const isNamespaceName = (name: string): boolean => NAMESPACE_NAME_PATTERN.test(name);

export const isOperationName = (name: string): boolean =>
  OPERATION_NAME_PATTERN.test(name) && !RESERVED_OPERATION_NAMES.has(name.toLowerCase());

function split(scope: string): [string, string] | undefined {
  const colon = scope.indexOf(":");
  if (colon < 0 || scope.indexOf(":", colon + 1) >= 0) return undefined;
  return [scope.slice(0, colon), scope.slice(colon + 1)];
}

/** Parses a grant; undefined when it is not one of the five grant forms. */
export function parseGrant(scope: string): Grant | undefined {
  const parts = split(scope);
  if (!parts) return undefined;
  const [namespace, rest] = parts;
  if (namespace === WILDCARD) {
    if (rest === WILDCARD) return { kind: "all" };
    if (rest === READ_LEVEL) return { kind: "allRead" };
    return undefined;
  }
  if (!isNamespaceName(namespace)) return undefined;
  if (rest === WILDCARD) return { kind: "namespaceAll", namespace };
  if (rest === READ_LEVEL) return { kind: "namespaceRead", namespace };
  if (isOperationName(rest)) return { kind: "operation", namespace, operation: rest };
  return undefined;
}

/** Parses a required scope; undefined when it is not `ns:Operation`, `ns:read` or `ns:write`. */
export function parseRequirement(scope: string): Requirement | undefined {
  const parts = split(scope);
  if (!parts) return undefined;
  const [namespace, rest] = parts;
  if (!isNamespaceName(namespace)) return undefined;
  if (rest === READ_LEVEL) return { kind: "read", namespace };
  if (rest === WRITE_LEVEL) return { kind: "write", namespace };
  if (isOperationName(rest)) return { kind: "operation", namespace, operation: rest };
  return undefined;
}

export function formatGrant(grant: Grant): string {
  switch (grant.kind) {
    case "all":
      return "*:*";
    case "allRead":
      return "*:read";
    case "namespaceAll":
      return `${grant.namespace}:*`;
    case "namespaceRead":
      return `${grant.namespace}:read`;
    case "operation":
      return `${grant.namespace}:${grant.operation}`;
  }
}
