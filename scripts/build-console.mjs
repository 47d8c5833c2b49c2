// Builds console/dist when the console's sources changed since the last build, and otherwise does
// nothing (so `npm start` on an unchanged tree starts at once). Run by the root install
// (postinstall) and by `npm start`. The hash of every input is kept in console/dist/.build-hash.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const consoleDir = path.join(root, "console");
const distDir = path.join(consoleDir, "dist");
const hashFile = path.join(distDir, ".build-hash");
const force = process.argv.includes("--force");

/** What the bundle is made from: sources, build configuration, the schema it embeds, the locked dependencies. */
const INPUTS = ["console/src", "console/public", "console/index.html", "console/package.json", "console/vite.config.ts", "console/tsconfig.json", "schema/schema.graphql", "package-lock.json"];

function filesUnder(relative) {
  const full = path.join(root, relative);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [relative];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .flatMap((entry) => filesUnder(path.join(relative, entry.name)));
}

function sourceHash() {
  const hash = createHash("sha256");
  for (const file of INPUTS.flatMap(filesUnder).sort()) {
    hash.update(file.split(path.sep).join("/"));
    hash.update("\0");
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

if (!fs.existsSync(path.join(consoleDir, "package.json"))) {
  console.log("keysmith: no console sources here; skipping the console build");
  process.exit(0);
}

const expected = sourceHash();
const builtHash = () => (fs.existsSync(hashFile) && fs.existsSync(path.join(distDir, "index.html")) ? fs.readFileSync(hashFile, "utf8").trim() : null);
if (!force && builtHash() === expected) process.exit(0);

// One build at a time (tests in parallel workers, or `npm start` beside them): the others wait, then re-check.
const lockDir = path.join(root, "node_modules", ".cache", "keysmith-console-build.lock");
const STALE_LOCK_MS = 5 * 60_000;
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
for (;;) {
  try {
    fs.mkdirSync(path.dirname(lockDir), { recursive: true });
    fs.mkdirSync(lockDir);
    break;
  } catch (error) {
    if (error.code !== "EEXIST") throw error;
    const age = Date.now() - fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs;
    if (age > STALE_LOCK_MS) fs.rmSync(lockDir, { recursive: true, force: true });
    sleep(200);
  }
}
process.on("exit", () => fs.rmSync(lockDir, { recursive: true, force: true }));
const built = builtHash();
if (!force && built === expected) process.exit(0);

let viteBin;
try {
  const vitePackage = createRequire(path.join(consoleDir, "package.json")).resolve("vite/package.json");
  viteBin = path.join(path.dirname(vitePackage), "bin", "vite.js");
} catch {
  console.error("keysmith: cannot build the console: its build tools are not installed (run `npm ci` without --omit=dev)");
  process.exit(1);
}

console.log(built ? "keysmith: console sources changed; rebuilding console/dist" : "keysmith: building the console (console/dist)");
const result = spawnSync(process.execPath, [viteBin, "build", "--logLevel", "warn"], { cwd: consoleDir, stdio: "inherit" });
if (result.status !== 0) {
  console.error("keysmith: the console build failed");
  process.exit(result.status ?? 1);
}
fs.writeFileSync(hashFile, `${expected}\n`);
