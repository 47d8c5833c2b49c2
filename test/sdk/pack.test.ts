import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { type TestApp, startTestApp } from "../support/test-app";
import { tenantWithSdk } from "./sdk-support";

const ROOT = path.resolve(__dirname, "../..");
const SDK = path.join(ROOT, "sdk");
const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");

/** The environment less npm's own variables: `npm test` sets them, and they would steer the npm run here. */
const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name))),
  ...extra,
});

/** Runs a command without blocking the event loop: the Keysmith it talks to runs in this process. */
async function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd, env: cleanEnv(env), encoding: "utf8" });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}

/** What a project that installed the package runs: plain CommonJS, no TypeScript. */
const CONSUMER_SCRIPT = `
const { createKeysmith, KeysmithError } = require("@keysmith/sdk");
(async () => {
  const keysmith = createKeysmith({ url: process.env.KEYSMITH_URL, token: process.env.KEYSMITH_TOKEN });
  const answer = await keysmith.check({ key: process.env.CUSTOMER_KEY, scopes: ["example:ListItems"] });
  const refused = await createKeysmith({ url: process.env.KEYSMITH_URL }).check({ key: "k" }).catch((error) => error);
  console.log(JSON.stringify({ code: answer.code, allowed: answer.allowed, error: refused instanceof KeysmithError && [refused.code, refused.status] }));
})();
`;

/** The same from TypeScript, compiled against the package's declarations alone. */
const CONSUMER_TYPESCRIPT = `
import { type CheckResult, KeysmithError, createKeysmith, keysmithExpress } from "@keysmith/sdk";
const keysmith = createKeysmith({ url: "http://127.0.0.1:4000", token: "ks_backend" });
export const checked: Promise<CheckResult> = keysmith.check({ key: "ks_customer", scopes: ["example:read"], mode: "ANY" });
export const created: Promise<string> = keysmith.createApiKey({ input: { name: "typed" } }).then((payload) => payload.secret);
export const middleware = keysmithExpress({ client: keysmith, scopes: ["example:read"], cache: { ttlMs: 1000, maxEntries: 10 } });
export const isError = (error: unknown): string | undefined => (error instanceof KeysmithError ? error.code : undefined);
`;

describe("the SDK as a package (npm pack)", () => {
  let sut: TestApp;
  let work: string;
  beforeAll(async () => {
    sut = await startTestApp();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-sdk-pack-"));
  });
  afterAll(async () => {
    await sut.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("builds, packs only dist, README and package.json, installs in an empty project and checks a key there", async () => {
    // Built from the sources into a copy of the package folder, so the test never writes into sdk/.
    const source = path.join(work, "sdk");
    fs.mkdirSync(source);
    for (const file of ["package.json", "README.md"]) fs.copyFileSync(path.join(SDK, file), path.join(source, file));
    await run(process.execPath, [TSC, "-p", path.join(SDK, "tsconfig.build.json"), "--outDir", path.join(source, "dist")], ROOT);

    const [packed] = JSON.parse(await run("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], source)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const shipped = packed.files.map((file) => file.path);
    expect(shipped.filter((file) => !file.startsWith("dist/")).sort()).toEqual(["README.md", "package.json"]);
    expect(shipped).toEqual(expect.arrayContaining(["dist/index.js", "dist/index.d.ts", "dist/middleware/express.js"]));

    const consumer = path.join(work, "consumer");
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", path.join(work, packed.filename)], consumer);
    const installed = JSON.parse(fs.readFileSync(path.join(consumer, "node_modules/@keysmith/sdk/package.json"), "utf8"));
    expect(installed).toMatchObject({ name: "@keysmith/sdk" });
    expect(installed.dependencies ?? {}).toEqual({});

    const { admin, backendKey } = await tenantWithSdk(sut);
    const customer = await admin.createApiKey({ input: { name: "packed", scopes: ["example:read"] } });
    fs.writeFileSync(path.join(consumer, "check.js"), CONSUMER_SCRIPT);
    const output = await run(process.execPath, ["check.js"], consumer, { KEYSMITH_URL: sut.app.url, KEYSMITH_TOKEN: backendKey, CUSTOMER_KEY: customer.secret });
    expect(JSON.parse(output)).toEqual({ code: "VALID", allowed: true, error: ["UNAUTHENTICATED", 401] });

    fs.writeFileSync(path.join(consumer, "check.ts"), CONSUMER_TYPESCRIPT);
    const typeRoots = path.join(ROOT, "node_modules/@types");
    await run(process.execPath, [TSC, "--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--typeRoots", typeRoots, "--types", "node", "check.ts"], consumer);
  }, 240_000);
});
