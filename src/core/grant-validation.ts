import { badInput } from "../common/errors";
import { type CatalogView, GrantSet, isGrantCovered, isGrantInCatalog } from "./scope-evaluator";
import { RESERVED_NAMESPACES, parseGrant } from "./scope-grammar";

/**
 * Checks each grant's form and that the catalog knows what it names; returns them deduplicated and
 * sorted. Errors name the field and the position, not the value.
 */
export function validateGrants(catalog: CatalogView, scopes: readonly string[], field: string): string[] {
  scopes.forEach((scope, index) => {
    if (!parseGrant(scope)) {
      throw badInput(`${field}[${index}]`, "must be *:*, *:read, ns:*, ns:read or ns:Operation");
    }
    if (!isGrantInCatalog(catalog, scope)) throw badInput(`${field}[${index}]`, "is not in the scope catalog");
  });
  return [...new Set(scopes)].sort();
}

/** Every grant must stay within every non-empty ceiling (an empty ceiling means no limit). */
export function firstGrantOutsideCeiling(
  catalog: CatalogView,
  scopes: readonly string[],
  ceiling: readonly string[],
): string | undefined {
  if (ceiling.length === 0) return undefined;
  const holder = GrantSet.of(ceiling);
  return scopes.find((scope) => !isGrantCovered(catalog, scope, holder));
}

/**
 * No escalation: in the reserved namespaces (keys, platform) a principal may grant only what it
 * holds itself. Returns the first grant that would give more.
 */
export function firstEscalation(catalog: CatalogView, scopes: readonly string[], granter: GrantSet): string | undefined {
  return scopes.find((scope) => !isGrantCovered(catalog, scope, granter, (namespace) => RESERVED_NAMESPACES.has(namespace)));
}
