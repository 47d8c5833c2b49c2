import fc from "fast-check";
import { type CatalogView, type CheckMode, type ScopeDecision, GrantSet, evaluateScopes } from "../../src/core/scope-evaluator";
import type { Access } from "../../src/core/scope-grammar";

/**
 * An independent model of DESIGN.md "Scopes": for a required scope, list the grants that would
 * satisfy it in priority order, and take the first one the key holds.
 */
function candidateGrants(catalog: CatalogView, required: string): string[] | undefined {
  const segments = required.split(":");
  if (segments.length !== 2) return undefined;
  const [ns, rest] = segments;
  const operations = catalog.get(ns);
  if (!operations) return undefined;
  let readOnly: boolean;
  if (rest === "read") readOnly = true;
  else if (rest === "write") readOnly = false;
  else if (operations.has(rest)) readOnly = operations.get(rest) === "READ";
  else return undefined;
  const wildcardsApply = ns !== "keys" && ns !== "platform";
  const candidates: string[] = [];
  if (wildcardsApply) candidates.push("*:*");
  if (wildcardsApply && readOnly) candidates.push("*:read");
  candidates.push(`${ns}:*`);
  if (readOnly) candidates.push(`${ns}:read`);
  if (rest !== "read" && rest !== "write") candidates.push(required);
  return candidates;
}

function referenceDecision(catalog: CatalogView, grants: readonly string[], required: readonly string[], mode: CheckMode): ScopeDecision {
  const held = new Set(grants);
  const unknownScopes: string[] = [];
  const matchedScopes: string[] = [];
  const missingScopes: string[] = [];
  const addOnce = (list: string[], scope: string) => {
    if (!list.includes(scope)) list.push(scope);
  };
  let satisfiedCount = 0;
  for (const scope of required) {
    const candidates = candidateGrants(catalog, scope);
    const granting = candidates?.find((candidate) => held.has(candidate));
    if (candidates === undefined) addOnce(unknownScopes, scope);
    if (granting === undefined) {
      addOnce(missingScopes, scope);
    } else {
      addOnce(matchedScopes, granting);
      satisfiedCount++;
    }
  }
  const satisfied = mode === "ALL" ? satisfiedCount === required.length : required.length === 0 || satisfiedCount > 0;
  return { allowed: unknownScopes.length === 0 && satisfied, unknownScopes, matchedScopes, missingScopes };
}

// Small pools so that namespaces and operations collide, with near misses (`user`/`users`, `Get`/`GetAll`/`get`).
const NAMESPACES = ["users", "user", "billing", "msg", "keys", "platform"];
const OPERATIONS = ["Get", "GetAll", "get", "List", "ListAll", "Send", "Delete", "list", "verify", "create"];

const catalogArbitrary: fc.Arbitrary<CatalogView> = fc
  .uniqueArray(
    fc.tuple(
      fc.constantFrom(...NAMESPACES),
      fc.uniqueArray(fc.tuple(fc.constantFrom(...OPERATIONS), fc.constantFrom<Access>("READ", "WRITE")), {
        selector: ([operation]) => operation,
        maxLength: 5,
      }),
    ),
    { selector: ([ns]) => ns, maxLength: 5 },
  )
  .map((entries) => new Map(entries.map(([ns, operations]) => [ns, new Map(operations)] as const)));

const namespaceSegment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NAMESPACES) },
  { weight: 1, arbitrary: fc.constantFrom("*", "nowhere", "Users", "", "users ") },
);
const secondSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...OPERATIONS) },
  { weight: 3, arbitrary: fc.constantFrom("read", "write", "*") },
  { weight: 1, arbitrary: fc.constantFrom("Read", "WRITE", "Nope", "", "GetAll ", "b:c") },
);
const scopeArbitrary = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(namespaceSegment, secondSegment).map(([ns, rest]) => `${ns}:${rest}`) },
  { weight: 2, arbitrary: fc.constantFrom("*:*", "*:read", "*:write", "a:b:c", ":x", "x:", "", "users", "::") },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);
const modeArbitrary = fc.constantFrom<CheckMode>("ALL", "ANY");

/** Scopes built from what the catalog holds, so that most requirements are known and most grants relevant. */
function catalogScopes(catalog: CatalogView): { grant: fc.Arbitrary<string>; requirement: fc.Arbitrary<string> } {
  const namespaces = [...catalog.keys()];
  if (namespaces.length === 0) return { grant: scopeArbitrary, requirement: scopeArbitrary };
  const operationOf = fc
    .constantFrom(...namespaces)
    .chain((ns) => {
      const operations = [...(catalog.get(ns)?.keys() ?? [])];
      return operations.length === 0 ? fc.constant(`${ns}:read`) : fc.constantFrom(...operations).map((op) => `${ns}:${op}`);
    });
  const level = fc.tuple(fc.constantFrom(...namespaces), fc.constantFrom("read", "write", "*")).map(([ns, rest]) => `${ns}:${rest}`);
  return {
    grant: fc.oneof(
      { weight: 4, arbitrary: operationOf },
      { weight: 4, arbitrary: level },
      { weight: 2, arbitrary: fc.constantFrom("*:*", "*:read") },
      { weight: 2, arbitrary: scopeArbitrary },
    ),
    requirement: fc.oneof({ weight: 6, arbitrary: operationOf }, { weight: 3, arbitrary: level }, { weight: 1, arbitrary: scopeArbitrary }),
  };
}

const scenarioArbitrary = catalogArbitrary.chain((catalog) => {
  const { grant, requirement } = catalogScopes(catalog);
  return fc.record({
    catalog: fc.constant(catalog),
    grants: fc.array(grant, { maxLength: 5 }),
    required: fc.array(requirement, { maxLength: 4 }),
    mode: modeArbitrary,
  });
});

describe("evaluateScopes (property)", () => {
  it("agrees with an independent model of the scope rules on random catalogs, grants and requirements", () => {
    fc.assert(
      fc.property(scenarioArbitrary, ({ catalog, grants, required, mode }) => {
        const sut = evaluateScopes(catalog, GrantSet.of(grants), required, mode);
        expect(sut).toEqual(referenceDecision(catalog, grants, required, mode));
      }),
      { numRuns: 10_000 },
    );
  });

  it("does not depend on the order the grants are listed in", () => {
    fc.assert(
      fc.property(scenarioArbitrary, ({ catalog, grants, required, mode }) => {
        const forwards = evaluateScopes(catalog, GrantSet.of(grants), required, mode);
        const backwards = evaluateScopes(catalog, GrantSet.of([...grants].reverse()), required, mode);
        expect(backwards).toEqual(forwards);
      }),
      { numRuns: 1_000 },
    );
  });
});
