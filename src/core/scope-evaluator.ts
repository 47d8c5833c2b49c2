import {
  type Access,
  type Requirement,
  RESERVED_NAMESPACES,
  formatGrant,
  parseGrant,
  parseRequirement,
} from "./scope-grammar";

/** What the evaluator needs of the catalog: each namespace's operations and their access. */
export type CatalogView = ReadonlyMap<string, ReadonlyMap<string, Access>>;

/** ALL: every required scope must be granted; ANY: at least one. */
export const CheckMode = { ALL: "ALL", ANY: "ANY" } as const;
export type CheckMode = (typeof CheckMode)[keyof typeof CheckMode];

/** A key's grants, compiled once so each requirement costs a few set lookups. */
export class GrantSet {
  private constructor(
    readonly scopes: readonly string[],
    private readonly all: boolean,
    private readonly allRead: boolean,
    private readonly namespaceAll: ReadonlySet<string>,
    private readonly namespaceRead: ReadonlySet<string>,
    private readonly operations: ReadonlySet<string>,
  ) {}

  static of(scopes: readonly string[]): GrantSet {
    let all = false;
    let allRead = false;
    const namespaceAll = new Set<string>();
    const namespaceRead = new Set<string>();
    const operations = new Set<string>();
    for (const scope of scopes) {
      const grant = parseGrant(scope);
      if (!grant) continue;
      if (grant.kind === "all") all = true;
      else if (grant.kind === "allRead") allRead = true;
      else if (grant.kind === "namespaceAll") namespaceAll.add(grant.namespace);
      else if (grant.kind === "namespaceRead") namespaceRead.add(grant.namespace);
      else operations.add(formatGrant(grant));
    }
    return new GrantSet(scopes, all, allRead, namespaceAll, namespaceRead, operations);
  }

  /**
   * The grant that satisfies the requirement, first match in the order
   * `*:*` > `*:read` > `ns:*` > `ns:read` > `ns:Operation`; undefined when none does.
   * `access` is the catalog's access of the required operation.
   */
  match(requirement: Requirement, access?: Access): string | undefined {
    const { namespace } = requirement;
    const wildcardsApply = !RESERVED_NAMESPACES.has(namespace);
    const readOnly = requirement.kind === "read" || (requirement.kind === "operation" && access === "READ");
    if (wildcardsApply && this.all) return "*:*";
    if (wildcardsApply && readOnly && this.allRead) return "*:read";
    if (this.namespaceAll.has(namespace)) return `${namespace}:*`;
    if (readOnly && this.namespaceRead.has(namespace)) return `${namespace}:read`;
    if (requirement.kind === "operation") {
      const scope = `${namespace}:${requirement.operation}`;
      if (this.operations.has(scope)) return scope;
    }
    return undefined;
  }
}

export interface ScopeDecision {
  allowed: boolean;
  /** Required scopes the catalog does not know: such a check is never allowed. */
  unknownScopes: string[];
  /** The granting scope of each satisfied requirement, in the order required, without repeats. */
  matchedScopes: string[];
  /** The required scopes not satisfied, in the order required, without repeats. */
  missingScopes: string[];
}

/** The catalog's access for a requirement, or "unknown" when the catalog does not know it. */
function resolveAccess(catalog: CatalogView, requirement: Requirement): Access | undefined | "unknown" {
  const operations = catalog.get(requirement.namespace);
  if (!operations) return "unknown";
  if (requirement.kind !== "operation") return undefined;
  return operations.get(requirement.operation) ?? "unknown";
}

export function evaluateScopes(
  catalog: CatalogView,
  grants: GrantSet,
  required: readonly string[],
  mode: CheckMode,
  /** The ceilings of the key's bound subscriptions: a requirement of the tenant's own API must be within each. */
  ceilings: readonly GrantSet[] = [],
): ScopeDecision {
  const unknownScopes: string[] = [];
  const matched = new Set<string>();
  const missing = new Set<string>();
  for (const scope of required) {
    const requirement = parseRequirement(scope);
    const access = requirement ? resolveAccess(catalog, requirement) : "unknown";
    if (!requirement || access === "unknown") {
      if (!missing.has(scope)) unknownScopes.push(scope);
      missing.add(scope);
      continue;
    }
    const granting = grants.match(requirement, access);
    const withinCeilings = RESERVED_NAMESPACES.has(requirement.namespace) || ceilings.every((ceiling) => ceiling.match(requirement, access));
    if (granting && withinCeilings) matched.add(granting);
    else missing.add(scope);
  }
  const satisfied = required.length === 0 || (mode === CheckMode.ALL ? missing.size === 0 : matched.size > 0);
  return {
    allowed: unknownScopes.length === 0 && satisfied,
    unknownScopes,
    matchedScopes: [...matched],
    missingScopes: [...missing],
  };
}

/** Every requirement the catalog can express, optionally limited to some namespaces. */
function requirementsOf(catalog: CatalogView, include: (namespace: string) => boolean): Array<[Requirement, Access?]> {
  const out: Array<[Requirement, Access?]> = [];
  for (const [namespace, operations] of catalog) {
    if (!include(namespace)) continue;
    out.push([{ kind: "read", namespace }], [{ kind: "write", namespace }]);
    for (const [operation, access] of operations) out.push([{ kind: "operation", namespace, operation }, access]);
  }
  return out;
}

/**
 * True when every requirement the grant satisfies is also satisfied by `holder`: a subscription's
 * ceiling, or (for the reserved namespaces) the grants of the principal handing it out.
 */
export function isGrantCovered(
  catalog: CatalogView,
  grant: string,
  holder: GrantSet,
  include: (namespace: string) => boolean = () => true,
): boolean {
  const single = GrantSet.of([grant]);
  return requirementsOf(catalog, include).every(
    ([requirement, access]) => !single.match(requirement, access) || holder.match(requirement, access) !== undefined,
  );
}

/** True when the grant names something the catalog holds (wildcards always do). */
export function isGrantInCatalog(catalog: CatalogView, scope: string): boolean {
  const grant = parseGrant(scope);
  if (!grant) return false;
  if (grant.kind === "all" || grant.kind === "allRead") return true;
  const operations = catalog.get(grant.namespace);
  if (!operations) return false;
  return grant.kind !== "operation" || operations.has(grant.operation);
}
