import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Kind, parse } from "graphql";
import { type GraphQLClient, graphqlClient } from "../support/graphql-client";
import { type ServerProcess, startServerProcess } from "../support/server-process";

// Each test starts real server processes: on a busy machine an embedded database takes a while to come up.
jest.setTimeout(180_000);

const README = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
const README_URL = "http://127.0.0.1:4000";

/** The fenced blocks of one language, in the order README has them. */
const blocks = (language: string): string[] => [...README.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)```", "g"))].map((match) => match[1]);

type Results = Record<string, any>;
type Credential = "root" | "admin" | "backend";

/** Who sends each of README's operations, as its text says. A new block must be added here. */
const SENT_BY: Record<string, Credential> = {
  Me: "root",
  CreateTenant: "root",
  CreateSubscription: "root",
  Subscriptions: "root",
  Suspend: "root",
  Resume: "root",
  DefineNamespace: "admin",
  CreateKey: "admin",
  CreateBackendKey: "admin",
  Check: "backend",
  CreateCustomer: "admin",
  CreateMeteredKey: "admin",
  CheckMetered: "backend",
  Usage: "admin",
  Keys: "admin",
  Edit: "admin",
  Disable: "admin",
  Enable: "admin",
  Rotate: "admin",
  Revoke: "admin",
  Audit: "admin",
  CreateWebhook: "admin",
  Deliveries: "admin",
  ReportLeak: "admin",
  LeakSettings: "admin",
  Issuer: "root",
};

/** Each placeholder README asks the reader to fill, and the earlier answer it comes from. */
const PLACEHOLDERS: Record<string, (results: Results) => string> = {
  "<tenant id>": (results) => results.CreateTenant.createTenant.tenant.id,
  "<key id>": (results) => results.CreateKey.createApiKey.apiKey.id,
  "<the key your user presented>": (results) => results.CreateKey.createApiKey.secret,
  "<identity id>": (results) => results.CreateCustomer.createIdentity.identity.id,
  "<the metered key>": (results) => results.CreateMeteredKey.createApiKey.secret,
  "<metered key id>": (results) => results.CreateMeteredKey.createApiKey.apiKey.id,
  "<endpoint id>": (results) => results.CreateWebhook.createWebhookEndpoint.endpoint.id,
};

describe("README", () => {
  let dataDir: string;
  let server: ServerProcess;
  let rootKey: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keysmith-readme-"));
    server = await startServerProcess({ DATA_DIR: dataDir });
    rootKey = /^ {4}(\S+)$/m.exec(server.stdout())![1];
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("links only to files inside the repository", () => {
    const links = [...README.matchAll(/\]\(([^)]+)\)/g)].map((match) => match[1]).filter((link) => !/^https?:/.test(link));
    for (const link of links) {
      expect(link).not.toMatch(/^\.\.\//);
      expect(fs.existsSync(path.resolve(__dirname, "../..", link.split("#")[0]))).toBe(true);
    }
  });

  /** Runs README's curl block that calls `path`, with the variables it names. */
  function curl(path: string, env: Record<string, string>): unknown {
    const block = blocks("sh").find((candidate) => candidate.startsWith(`curl -s ${README_URL}${path} `));
    if (!block) throw new Error(`README has no curl example of ${path}`);
    return JSON.parse(execFileSync("bash", ["-c", block.replaceAll(README_URL, server.url)], { env: { PATH: process.env.PATH, ...env }, encoding: "utf8" }));
  }

  it("runs its curl example as pasted", () => {
    expect(curl("/graphql", { KEYSMITH_ROOT_KEY: rootKey })).toEqual({ data: { me: expect.objectContaining({ kind: "ROOT" }) } });
  });

  it("runs its live updates example as pasted: it prints the events of keys made meanwhile", async () => {
    const [example] = blocks("js").filter((block) => block.includes("keyEvents"));
    const admin = graphqlClient(`${server.url}/graphql`, rootKey);
    const { createTenant } = await admin.ok(`mutation { createTenant(input: { name: "Live", slug: "live-readme" }) { adminKey { secret } } }`);
    const adminKey = createTenant.adminKey.secret;
    const child = spawn(process.execPath, ["--input-type=module", "-e", example.replaceAll("ws://127.0.0.1:4000", server.url.replace("http", "ws"))], {
      cwd: path.resolve(__dirname, "../.."),
      env: { PATH: process.env.PATH, KEYSMITH_ADMIN_KEY: adminKey },
    });
    try {
      let printed = "";
      const made = new Promise<void>((resolve) => {
        child.stdout.on("data", (chunk) => {
          printed += String(chunk);
          if (printed.includes("KEY_CREATED")) resolve();
        });
      });
      // Keys are made until the example has subscribed and prints one: no guessing how long that takes.
      const tenantAdmin = graphqlClient(`${server.url}/graphql`, adminKey);
      let stop = false;
      const making = (async () => {
        while (!stop) {
          await tenantAdmin.ok(`mutation { createApiKey(input: { name: "watched" }) { apiKey { id } } }`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      await made;
      stop = true;
      await making;
      expect(printed).toMatch(/type: 'KEY_CREATED'/);
    } finally {
      child.kill();
    }
  });

  it("runs every GraphQL block, in order, each one operation answered without errors", async () => {
    const graphql = blocks("graphql");
    expect(graphql.length).toBe(Object.keys(SENT_BY).length);
    const results: Results = {};
    const clients: Partial<Record<Credential, GraphQLClient>> = { root: graphqlClient(`${server.url}/graphql`, rootKey) };
    for (const block of graphql) {
      const definitions = parse(block).definitions;
      expect(definitions).toHaveLength(1);
      const operation = definitions[0];
      if (operation.kind !== Kind.OPERATION_DEFINITION || !operation.name) throw new Error(`not a named operation:\n${block}`);
      const name = operation.name.value;
      const sender = SENT_BY[name];
      if (!sender) throw new Error(`README operation ${name} is not in SENT_BY`);
      let document = block;
      for (const [placeholder, valueOf] of Object.entries(PLACEHOLDERS)) {
        if (document.includes(placeholder)) document = document.replaceAll(placeholder, valueOf(results));
      }
      expect(document).not.toMatch(/<[a-z ]+>/);
      const client = clients[sender];
      if (!client) throw new Error(`${name} needs the ${sender} key, which no earlier block created`);
      const answer = await client.request(document);
      expect({ name, errors: answer.errors }).toEqual({ name, errors: undefined });
      results[name] = answer.data;
      if (name === "CreateTenant") clients.admin = clients.root!.as(answer.data.createTenant.adminKey.secret);
      if (name === "CreateBackendKey") clients.backend = clients.root!.as(answer.data.createApiKey.secret);
      if (name === "Check") {
        const rest = curl("/v1/keys.check", { KEYSMITH_BACKEND_KEY: results.CreateBackendKey.createApiKey.secret, CUSTOMER_KEY: results.CreateKey.createApiKey.secret });
        const { rateLimit } = answer.data.checkKey;
        // The same answer, one more check into the key's window. The window's end is computed from
        // the time of each check, so the two may differ by the milliseconds between them.
        expect(rest).toMatchObject({ ...answer.data.checkKey, rateLimit: { ...rateLimit, remaining: rateLimit.remaining - 1, resetAt: expect.any(String) } });
        expect(Math.abs(Date.parse((rest as { rateLimit: { resetAt: string } }).rateLimit.resetAt) - Date.parse(rateLimit.resetAt))).toBeLessThan(1_000);
      }
    }
    expect(results.Check.checkKey).toMatchObject({ code: "VALID", allowed: true, matchedScopes: ["messaging:SendMessage"] });
    expect(results.Revoke.revokeApiKey.apiKey.status).toBe("REVOKED");
    expect(results.CreateWebhook.createWebhookEndpoint.secret).toMatch(/^whsec_/);
    expect(results.Deliveries.webhookDeliveries.nodes).toEqual([]);
    expect(results.ReportLeak.reportLeakedKey).toEqual({ action: "REVOKE", apiKey: { status: "REVOKED", revokedReason: "leaked (a public gist)" } });
    expect(results.CheckMetered.checkKey).toMatchObject({
      code: "VALID",
      creditsRemaining: 999,
      identity: { externalId: "acct_1042" },
      rateLimits: [expect.objectContaining({ name: "requests", remaining: 999 }), expect.objectContaining({ name: "tokens", remaining: 99_650 })],
    });
  });
});
