// Empties dist/ before a build, so a module removed from src/ is not shipped from an old build.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

fs.rmSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../dist"), { recursive: true, force: true });
