import { type FieldError, badInput } from "../common/errors";
import { type CatalogView, GrantSet, isGrantCovered, isGrantInCatalog } from "./scope-evaluator";
import { PLATFORM_NAMESPACE } from "./reserved-scopes";
import { READ_ALL_GRANT, RESERVED_NAMESPACES, WILDCARD_GRANT, parseGrant } from "./scope-grammar";

/**
 * Checks each grant's form and that the catalog knows what it names; returns them deduplicated and
 * sorted. Errors name the field and the position, not the value.
 */
export function validateGrants(catalog: CatalogView, scopes: readonly string[], field: string): string[] {
  const [malformed] = grantFormErrors(scopes, field);
  if (malformed) throw badInput(malformed.field, malformed.message);
  scopes.forEach((scope, index) => {
    if (!isGrantInCatalog(catalog, scope)) throw badInput(`${field}[${index}]`, "is not in the scope catalog");
  });
  return [...new Set(scopes)].sort();
}

/** Each grant that is not one of the five forms, by position. */
export function grantFormErrors(scopes: readonly string[] | null | undefined, field: string): FieldError[] {
  return (scopes ?? []).flatMap((scope, index) =>
    parseGrant(scope) ? [] : [{ field: `${field}[${index}]`, message: "must be *:*, *:read, ns:*, ns:read or ns:Operation" }],
  );
}

/**
 * What a principal of a tenant may hold of the grants it is given from outside (a JWT's claim):
 * grants in the catalog, and never the platform's, which belong to root alone. The rest is dropped.
 */
export function holdableGrants(catalog: CatalogView, scopes: readonly string[]): string[] {
  return [...new Set(scopes)].filter((scope) => {
    const grant = parseGrant(scope);
    return grant !== undefined && isGrantInCatalog(catalog, scope) && !("namespace" in grant && grant.namespace === PLATFORM_NAMESPACE);
  });
}

/**
 * The first grant outside a subscription's ceiling (an empty ceiling means no limit). Ceilings bind
 * the tenant's own namespaces, not `keys` and `platform`. The wildcards are within a ceiling only
 * when it holds them (`*:read` under `*:read` or `*:*`, `*:*` under `*:*`): they cover namespaces
 * defined later, which no narrower ceiling does. Other grants must satisfy nothing the ceiling does
 * not, levels included.
 */
export function firstGrantOutsideCeiling(
  catalog: CatalogView,
  scopes: readonly string[],
  ceiling: readonly string[],
): string | undefined {
  if (ceiling.length === 0) return undefined;
  const holder = GrantSet.of(ceiling);
  const ownNamespace = (namespace: string) => !RESERVED_NAMESPACES.has(namespace);
  return scopes.find((scope) => {
    const grant = parseGrant(scope);
    if (!grant) return true;
    if (grant.kind === "all") return !ceiling.includes(WILDCARD_GRANT);
    if (grant.kind === "allRead") return !ceiling.includes(WILDCARD_GRANT) && !ceiling.includes(READ_ALL_GRANT);
    if (!ownNamespace(grant.namespace)) return false;
    return !isGrantCovered(catalog, scope, holder, ownNamespace);
  });
}

/**
 * No escalation: in the reserved namespaces (keys, platform) a principal may grant only what it
 * holds itself. Returns the first grant that would give more.
 */
export function firstEscalation(catalog: CatalogView, scopes: readonly string[], granter: GrantSet): string | undefined {
  return scopes.find((scope) => !isGrantCovered(catalog, scope, granter, (namespace) => RESERVED_NAMESPACES.has(namespace)));
}
