import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

/**
 * The layers of docs/architecture.md, top to bottom. A module may import from its own layer or a
 * lower one, never a higher one; files directly under src/ are the entry.
 */
const LAYERS: ReadonlyArray<{ name: string; folders: readonly string[] }> = [
  { name: "entry", folders: ["(entry)", "app"] },
  { name: "edges", folders: ["http", "graphql", "metrics"] },
  { name: "features", folders: ["auth", "check", "tenants", "keys", "identities", "limits", "usage", "webhooks", "events", "leaks", "subscriptions", "scopes", "audit"] },
  { name: "principals", folders: ["principals"] },
  { name: "core", folders: ["core"] },
  { name: "infrastructure", folders: ["db", "migrations", "common"] },
];

const SRC = path.resolve(__dirname, "../../src");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

function resolveModule(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [`${base}.ts`, path.join(base, "index.ts")].find((candidate) => fs.existsSync(candidate));
}

/** Every import of a file, type-only imports and re-exports included (the compiler's own pre-parser). */
function importsOf(file: string): { relative: string[]; packages: string[] } {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
  const specifiers = importedFiles.map((imported) => imported.fileName);
  return {
    relative: specifiers.filter((s) => s.startsWith(".")).map((s) => resolveModule(file, s) ?? `${s} (unresolved)`),
    packages: specifiers.filter((s) => !s.startsWith(".")),
  };
}

const folderOf = (file: string): string => {
  const relative = path.relative(SRC, file);
  if (relative.startsWith(`..${path.sep}migrations`)) return "migrations";
  const parts = relative.split(path.sep);
  return parts.length === 1 ? "(entry)" : parts[0];
};

const layerOf = (folder: string): number => LAYERS.findIndex((layer) => layer.folders.includes(folder));

/** Strongly connected components with more than one member (Tarjan): each one is a cycle. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

describe("architecture", () => {
  const files = sourceFiles(SRC);
  const imports = new Map(files.map((file) => [file, importsOf(file)]));
  const name = (file: string) => path.relative(SRC, file);

  it("knows the layer of every folder under src/", () => {
    const unplaced = [...new Set(files.map(folderOf))].filter((folder) => layerOf(folder) < 0);
    expect(unplaced).toEqual([]);
  });

  it("resolves every relative import", () => {
    const unresolved = files.flatMap((file) => imports.get(file)!.relative.filter((target) => target.endsWith("(unresolved)")).map((t) => `${name(file)} -> ${t}`));
    expect(unresolved).toEqual([]);
  });

  it("imports only from the same layer or a lower one", () => {
    const upward = files.flatMap((file) =>
      imports
        .get(file)!
        .relative.filter((target) => layerOf(folderOf(target)) < layerOf(folderOf(file)))
        .map((target) => `${name(file)} (${LAYERS[layerOf(folderOf(file))].name}) -> ${name(target)} (${LAYERS[layerOf(folderOf(target))].name})`),
    );
    expect(upward).toEqual([]);
  });

  it("has no cycle between folders", () => {
    const graph = new Map<string, Set<string>>();
    for (const file of files) {
      const from = folderOf(file);
      const targets = graph.get(from) ?? new Set<string>();
      for (const target of imports.get(file)!.relative) if (folderOf(target) !== from) targets.add(folderOf(target));
      graph.set(from, targets);
    }
    expect(cycles(graph)).toEqual([]);
  });

  it("has no cycle between files", () => {
    const graph = new Map(files.map((file) => [name(file), new Set(imports.get(file)!.relative.map(name))]));
    expect(cycles(graph)).toEqual([]);
  });

  it("keeps the core pure: no database, GraphQL, HTTP or logging library", () => {
    const impure = files
      .filter((file) => folderOf(file) === "core")
      .flatMap((file) => imports.get(file)!.packages.filter((pkg) => !pkg.startsWith("node:")).map((pkg) => `${name(file)} -> ${pkg}`));
    expect(impure).toEqual([]);
  });

  it("keeps services free of GraphQL and HTTP", () => {
    const leaks = files
      .filter((file) => file.endsWith(".service.ts"))
      .flatMap((file) => imports.get(file)!.packages.filter((pkg) => /^(graphql|type-graphql|@apollo\/)/.test(pkg)).map((pkg) => `${name(file)} -> ${pkg}`));
    expect(leaks).toEqual([]);
  });
});
