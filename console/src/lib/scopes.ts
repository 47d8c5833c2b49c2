/** The scopes picker's model: per namespace None, Read (`ns:read`), Read-write (`ns:*`) or single operations. */
export type NamespaceLevel = "none" | "read" | "write" | "custom";

export interface NamespaceChoice {
  level: NamespaceLevel;
  /** Operation names, when level is custom. */
  operations: string[];
}

export interface ScopeSelection {
  /** `*:*`: every namespace except the reserved `keys` and `platform`. */
  wildcard: boolean;
  namespaces: Record<string, NamespaceChoice>;
}

export interface CatalogNamespaceLike {
  name: string;
  operations: ReadonlyArray<{ name: string; access: "READ" | "WRITE" }>;
}

export const WILDCARD = "*:*";
export const RESERVED_NAMESPACES = ["keys", "platform"];

export const emptySelection = (): ScopeSelection => ({ wildcard: false, namespaces: {} });

/** The grants to send, in catalog order. */
export function grantsOf(selection: ScopeSelection, catalog: readonly CatalogNamespaceLike[]): string[] {
  const grants: string[] = selection.wildcard ? [WILDCARD] : [];
  for (const namespace of catalog) {
    const choice = selection.namespaces[namespace.name];
    if (!choice) continue;
    if (choice.level === "read") grants.push(`${namespace.name}:read`);
    if (choice.level === "write") grants.push(`${namespace.name}:*`);
    if (choice.level === "custom") {
      for (const operation of namespace.operations) {
        if (choice.operations.includes(operation.name)) grants.push(`${namespace.name}:${operation.name}`);
      }
    }
  }
  return grants;
}

/** The picker's state for a key's grants; grants it cannot show (`*:read`) are returned apart. */
export function selectionOf(grants: readonly string[], catalog: readonly CatalogNamespaceLike[]): { selection: ScopeSelection; other: string[] } {
  const selection = emptySelection();
  const other: string[] = [];
  const known = new Map(catalog.map((namespace) => [namespace.name, namespace]));
  for (const grant of grants) {
    if (grant === WILDCARD) {
      selection.wildcard = true;
      continue;
    }
    const [name, operation] = grant.split(":", 2);
    const namespace = known.get(name);
    if (!namespace || operation === undefined) {
      other.push(grant);
      continue;
    }
    const current = selection.namespaces[name] ?? { level: "none", operations: [] };
    if (operation === "*") current.level = "write";
    else if (operation === "read" && current.level !== "write") current.level = "read";
    else if (namespace.operations.some((op) => op.name === operation) && current.level !== "write" && current.level !== "read") {
      current.level = "custom";
      current.operations = [...current.operations, operation];
    } else if (!namespace.operations.some((op) => op.name === operation) && operation !== "read") other.push(grant);
    selection.namespaces[name] = current;
  }
  return { selection, other };
}

/** Splits "a:read, b:Op c:*" into scopes. */
export function parseScopeList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((scope) => scope.trim())
    .filter((scope) => scope !== "");
}
