import type { ApolloServerPlugin } from "@apollo/server";
import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  getNamedType,
  isCompositeType,
  isObjectType,
  isInterfaceType,
  Kind,
} from "graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../common/pagination";
import type { RequestContext } from "../principals/request-context";
import { QUERY_TOO_COMPLEX_MESSAGE } from "./query-limits";

/**
 * What a document may cost, in units of about one row read. A page of 100 keys with 20 fields is
 * about 2,000; a count, however many keys the tenant has, costs COUNT_COST (it stops at 10,000).
 */
export const MAX_QUERY_COST = 5_000;
/** A count of a tenant's keys: expensive whatever it finds. */
export const COUNT_COST = 1_000;
/** Reading one page, before its rows. */
const PAGE_COST = 10;

/** Fields whose cost is fixed: what they cost the database, not what they return. */
const FIXED_COSTS: Readonly<Record<string, number>> = { totalCount: COUNT_COST, totalCountCapped: 0, apiKeyStats: 50 };

interface Costing {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: Readonly<Record<string, unknown>>;
}

/** The page size a list field asks for (`first`, a literal or a variable), as the server will clamp it. */
function pageSizeOf(field: FieldNode, costing: Costing): number {
  const argument = field.arguments?.find((candidate) => candidate.name.value === "first");
  const value = argument ? valueOf(argument.value, costing) : undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) return DEFAULT_PAGE_SIZE;
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(value)));
}

function valueOf(node: ValueNode, costing: Costing): unknown {
  if (node.kind === Kind.VARIABLE) return costing.variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
}

/** The cost of a selection set on a type: one per field, pages by their size, fixed costs where they apply. */
function costOf(selectionSet: SelectionSetNode, parent: GraphQLCompositeType, costing: Costing, seen: ReadonlySet<string>): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = costing.fragments.get(name);
      const type = fragment && costing.schema.getType(fragment.typeCondition.name.value);
      if (fragment && type && isCompositeType(type) && !seen.has(name)) total += costOf(fragment.selectionSet, type, costing, new Set([...seen, name]));
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? costing.schema.getType(selection.typeCondition.name.value) : parent;
      if (type && isCompositeType(type)) total += costOf(selection.selectionSet, type, costing, seen);
      continue;
    }
    total += fieldCost(selection, parent, costing, seen);
  }
  return total;
}

function fieldCost(field: FieldNode, parent: GraphQLCompositeType, costing: Costing, seen: ReadonlySet<string>): number {
  const name = field.name.value;
  // Introspection is bounded by graphql-js itself (and the depth limit).
  if (name.startsWith("__")) return 1;
  if (name in FIXED_COSTS) return FIXED_COSTS[name];
  const definition: GraphQLField<unknown, unknown> | undefined = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  if (!definition || !field.selectionSet) return 1;
  const type = getNamedType(definition.type);
  if (!isCompositeType(type)) return 1;
  // A connection: its nodes are read once per row of the page.
  if (type.name.endsWith("Connection") && isObjectType(type)) {
    const rows = pageSizeOf(field, costing);
    let cost = PAGE_COST;
    for (const selection of field.selectionSet.selections) {
      const nodes = selection.kind === Kind.FIELD && selection.name.value === "nodes";
      const part = costOf({ kind: Kind.SELECTION_SET, selections: [selection] }, type, costing, seen);
      cost += nodes ? rows * Math.max(1, part - 1) : part;
    }
    return cost;
  }
  return 1 + costOf(field.selectionSet, type, costing, seen);
}

/** The cost of an operation with its variables; exact, since it runs once they are known. */
export function operationCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[], variables: Record<string, unknown>): number {
  const root = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() }[operation.operation];
  if (!root) return 0;
  const costing: Costing = { schema, fragments: new Map(fragments.map((fragment) => [fragment.name.value, fragment])), variables };
  return costOf(operation.selectionSet, root, costing, new Set());
}

/**
 * Refuses documents that would make the database work more than one request should: list fields
 * count by their page size and counts as expensive, so one document cannot ask for thousands of
 * rows or many counts. Checked once the operation and its variables are known, before execution.
 */
export function queryCostPlugin(maxCost = MAX_QUERY_COST): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ schema }) {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) return;
          const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
          if (operationCost(schema, operation, fragments, request.variables ?? {}) <= maxCost) return;
          throw new GraphQLError(QUERY_TOO_COMPLEX_MESSAGE, { extensions: { code: "QUERY_TOO_COMPLEX", http: { status: 400 } } });
        },
      };
    },
  };
}
