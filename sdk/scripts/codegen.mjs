// The SDK's generated types: validates every sdk/src/operations/*.graphql against
// ../schema/schema.graphql and writes src/generated/graphql.ts (result and variable types, the
// documents, and the table of management methods), and turns the schemas of
// ../schema/openapi.json into src/generated/rest.ts. With --check it writes nothing and exits 1
// when a document is invalid or a committed file is stale.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { codegen } from "@graphql-codegen/core";
import * as typescriptOperations from "@graphql-codegen/typescript-operations";
import { Kind, buildSchema, parse, print, printSchema, stripIgnoredCharacters, validate, visit } from "graphql";

const sdkDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const schemaFile = path.resolve(sdkDir, "../schema/schema.graphql");
const openApiFile = path.resolve(sdkDir, "../schema/openapi.json");
const operationsDir = path.join(sdkDir, "src/operations");
const graphqlOutput = path.join(sdkDir, "src/generated/graphql.ts");
const restOutput = path.join(sdkDir, "src/generated/rest.ts");
const check = process.argv.includes("--check");

/** Names of the client's own methods: an operation may not take them. */
const RESERVED_METHODS = new Set(["check", "request"]);

function fail(title, problems) {
  process.stderr.write(`${title}:\n  ${problems.join("\n  ")}\n`);
  process.exit(1);
}

// ---- GraphQL: operations, their types and the method table

const schema = buildSchema(fs.readFileSync(schemaFile, "utf8"));
const documents = [];
const problems = [];
for (const name of fs.readdirSync(operationsDir).filter((file) => file.endsWith(".graphql")).sort()) {
  const location = path.relative(sdkDir, path.join(operationsDir, name));
  try {
    documents.push({ location, document: parse(fs.readFileSync(path.join(operationsDir, name), "utf8")) });
  } catch (error) {
    problems.push(`${location}: ${error.message}`);
  }
}
const definitions = documents.flatMap(({ document }) => document.definitions);
const merged = { kind: Kind.DOCUMENT, definitions };
for (const error of validate(schema, merged)) {
  const node = error.nodes?.[0];
  const source = node && documents.find(({ document }) => document.loc?.source === node.loc?.source);
  const where = error.locations?.[0] ? `:${error.locations[0].line}:${error.locations[0].column}` : "";
  problems.push(`${source?.location ?? "documents"}${where}: ${error.message}`);
}

const fragments = new Map(definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
const operations = definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
const methods = new Map();
for (const operation of operations) {
  const name = operation.name?.value;
  const fields = operation.selectionSet.selections;
  if (!name) {
    problems.push("every operation needs a name (it names its types)");
    continue;
  }
  if (fields.length !== 1 || fields[0].kind !== Kind.FIELD || fields[0].alias) {
    problems.push(`${name}: a management operation selects exactly one root field, without an alias (the method is named after it)`);
    continue;
  }
  const field = fields[0].name.value;
  if (RESERVED_METHODS.has(field)) problems.push(`${name}: ${field} is a method of the client itself`);
  if (methods.has(field)) problems.push(`${name}: ${methods.get(field).name} already selects ${field}`);
  methods.set(field, { name, kind: operation.operation });
}
if (problems.length > 0) fail("SDK operations do not validate against schema/schema.graphql", problems);
// Told, not failed: a new API field may wait for its SDK method.
const rootFields = [schema.getQueryType(), schema.getMutationType()].flatMap((type) => (type ? Object.keys(type.getFields()) : []));
const withoutMethod = rootFields.filter((field) => !methods.has(field)).sort();

/** The fragments an operation uses, directly or through other fragments, by name. */
function fragmentsOf(node, found = new Set()) {
  visit(node, {
    FragmentSpread(spread) {
      if (found.has(spread.name.value)) return;
      found.add(spread.name.value);
      fragmentsOf(fragments.get(spread.name.value), found);
    },
  });
  return found;
}

const suffix = { query: "Query", mutation: "Mutation", subscription: "Subscription" };
const documentConstants = operations.map((operation) => {
  const name = operation.name.value;
  const text = stripIgnoredCharacters([operation, ...[...fragmentsOf(operation)].sort().map((fragment) => fragments.get(fragment))].map(print).join("\n"));
  const types = `${name}${suffix[operation.operation]}`;
  return `export const ${name}Document: TypedDocument<${types}, ${types}Variables> = {\n  operationName: ${JSON.stringify(name)},\n  query: ${JSON.stringify(text)},\n};\n`;
});
const methodTable = [...methods.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([field, { name }]) => `  ${field}: { document: ${name}Document, field: ${JSON.stringify(field)} },`);

const operationTypes = await codegen({
  filename: graphqlOutput,
  schema: parse(printSchema(schema)),
  schemaAst: schema,
  documents,
  config: {
    scalars: { DateTimeISO: "string", JSONObject: "Record<string, unknown>", SafeInt: "number" },
    enumsAsTypes: true,
    useTypeImports: true,
    avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
  },
  plugins: [{ "typescript-operations": {} }],
  pluginMap: { "typescript-operations": typescriptOperations },
});
const graphqlText = [
  "// Generated by sdk/scripts/codegen.mjs from schema/schema.graphql and src/operations/*.graphql: do not edit.",
  'import type { TypedDocument } from "../typed-document";',
  operationTypes.trimEnd(),
  "",
  documentConstants.join("\n"),
  "/** The management methods of the client: each runs its document and answers its one root field. */",
  "export const OPERATIONS = {",
  ...methodTable,
  "} as const;",
  "",
].join("\n");

// ---- REST: the OpenAPI schemas as TypeScript types

const openApi = JSON.parse(fs.readFileSync(openApiFile, "utf8"));
/** OpenAPI schema names that would shadow a global of TypeScript. */
const RENAMED = { Error: "ErrorResponse" };
const typeName = (schemaName) => RENAMED[schemaName] ?? schemaName;

const comment = (text, indent) => (text ? `${indent}/** ${text.replaceAll("*/", "*\\/")} */\n` : "");

function tsType(node, indent) {
  if (node.$ref) return typeName(node.$ref.split("/").pop());
  if (node.enum) return node.enum.map((value) => JSON.stringify(value)).join(" | ");
  const types = Array.isArray(node.type) ? node.type : [node.type];
  return types
    .map((type) => {
      switch (type) {
        case "string":
          return "string";
        case "integer":
        case "number":
          return "number";
        case "boolean":
          return "boolean";
        case "null":
          return "null";
        case "array":
          return `Array<${tsType(node.items, indent)}>`;
        case "object":
          return node.properties ? objectType(node, indent) : "Record<string, unknown>";
        default:
          throw new Error(`schema/openapi.json: no TypeScript type for JSON schema type ${JSON.stringify(type)}`);
      }
    })
    .join(" | ");
}

function objectType(node, indent) {
  const required = new Set(node.required ?? []);
  const inner = `${indent}  `;
  const members = Object.entries(node.properties).map(
    ([name, property]) => `${comment(property.description, inner)}${inner}${name}${required.has(name) ? "" : "?"}: ${tsType(property, inner)};\n`,
  );
  return `{\n${members.join("")}${indent}}`;
}

const restTypes = Object.entries(openApi.components.schemas).map(
  ([name, node]) => `${comment(node.description, "")}export interface ${typeName(name)} ${objectType(node, "")}\n`,
);
const restText = [
  "// Generated by sdk/scripts/codegen.mjs from schema/openapi.json (components.schemas): do not edit.",
  "",
  restTypes.join("\n"),
].join("\n");

// ---- write, or compare with what is committed

const outputs = [
  [graphqlOutput, graphqlText],
  [restOutput, restText],
];
if (check) {
  const stale = outputs.filter(([file, text]) => !fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text).map(([file]) => path.relative(sdkDir, file));
  if (stale.length > 0) fail("Stale generated files: run `npm run codegen --workspace sdk` and commit them", stale);
  process.stdout.write("sdk operations valid; src/generated is up to date\n");
  if (withoutMethod.length > 0) process.stdout.write(`sdk: no method yet for ${withoutMethod.join(", ")} (add a document to src/operations)\n`);
} else {
  for (const [file, text] of outputs) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    process.stdout.write(`wrote ${path.relative(sdkDir, file)}\n`);
  }
}
