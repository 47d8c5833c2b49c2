import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { parseScanningKeys } from "../../src/leaks/github-scanning";
import { CHECK, backendOf } from "../support/checks";
import { forgedFor, unknownKey } from "../support/forged-keys";
import { createTenant, type TenantFixture } from "../support/factories";
import { createKey } from "../support/key-operations";
import { type ServerDatabase, unsharedDatabase } from "../support/local-services";
import { type TestApp, startTestApp } from "../support/test-app";
import { createEndpoint } from "../support/webhook-operations";
import { type WebhookReceiver, startWebhookReceiver } from "../support/webhook-receiver";

const REPORT = `mutation ($input: ReportLeakedKeyInput!) { reportLeakedKey(input: $input) { action apiKey { id status enabled revokedReason } } }`;
const SETTINGS = `mutation ($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) { settings { leakedKeyAction } } }`;

/** GitHub's signing key, made for the test: its public half is what GITHUB_SCANNING_KEYS holds. */
const github = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const KEY_ID = "f9525bf080f75b3506ca1ead061add62b8633a346606dc5fe544e29231c6ee0d";
const SCANNING_KEYS = JSON.stringify({ public_keys: [{ key_identifier: KEY_ID, key: github.publicKey.export({ type: "spki", format: "pem" }), is_current: true }] });

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
/** A key with a valid checksum shape but a checksum that does not match: noise to a scanner. */
const badChecksum = (key: string) => `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
/** A forgery naming a real key: its lookup id, another secret, a correct checksum. */
const forgedSecretFor = forgedFor;

describe("leaked keys", () => {
  let database: ServerDatabase;
  let sut: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    database = await unsharedDatabase();
    receiver = await startWebhookReceiver();
    sut = await startTestApp({ database: database.target, config: { githubScanningKeys: [], outboundAllow: ["127.0.0.1/32"] }, events: { manual: true } });
  });
  afterAll(async () => {
    await sut?.close();
    await receiver?.close();
    await database?.drop();
  });
  afterEach(() => receiver.reset());

  const statusOf = async (tenant: TenantFixture, key: string) => {
    const backend = await backendOf(tenant);
    return (await backend.ok(CHECK, { input: { key } })).checkKey.code;
  };

  describe("reportLeakedKey", () => {
    it("revokes a key of the caller's tenant by default, audited as KEY_LEAKED and sent as an event", async () => {
      const tenant = await createTenant(sut.root);
      const endpoint = await createEndpoint(tenant.admin, { url: receiver.url(), events: ["KEY_LEAKED"] });
      const key = await createKey(tenant.admin, { name: "pasted in a ticket" });
      const { reportLeakedKey } = await tenant.admin.ok(REPORT, { input: { key: key.secret, source: "support ticket 4411", url: "https://support.example/4411" } });
      expect(reportLeakedKey).toEqual({ action: "REVOKE", apiKey: { id: key.id, status: "REVOKED", enabled: true, revokedReason: "leaked (support ticket 4411)" } });
      expect(await statusOf(tenant, key.secret)).toBe("REVOKED");

      const [audit] = await sut.app.dataSource.query("SELECT actor_kind, changes FROM audit_events WHERE target_id = $1 AND action = 'KEY_LEAKED'", [key.id]);
      expect(audit.changes.leak.after).toEqual({ source: "support ticket 4411", url: "https://support.example/4411", action: "REVOKE" });
      expect(JSON.stringify(audit)).not.toContain(key.secret);

      await sut.app.services.deliveries.drain();
      const [delivery] = receiver.received;
      expect(new Webhook(endpoint.secret).verify(delivery.body, delivery.headers)).toMatchObject({
        type: "KEY_LEAKED",
        data: { key: { id: key.id, status: "REVOKED" }, source: "support ticket 4411", action: "REVOKE" },
      });
      expect(delivery.body).not.toContain(key.secret);
      expect(sut.logs()).not.toContain(key.secret);
    });

    it("disables, or only notifies, as the tenant chose", async () => {
      const tenant = await createTenant(sut.root);
      await tenant.admin.ok(SETTINGS, { input: { leakedKeyAction: "DISABLE" } });
      const disabled = await createKey(tenant.admin);
      expect((await tenant.admin.ok(REPORT, { input: { key: disabled.secret, source: "a gist" } })).reportLeakedKey).toMatchObject({ action: "DISABLE", apiKey: { status: "DISABLED" } });
      expect(await statusOf(tenant, disabled.secret)).toBe("DISABLED");

      await tenant.admin.ok(SETTINGS, { input: { leakedKeyAction: "NOTIFY" } });
      const notified = await createKey(tenant.admin);
      expect((await tenant.admin.ok(REPORT, { input: { key: notified.secret, source: "a gist" } })).reportLeakedKey).toMatchObject({ action: "NOTIFY", apiKey: { status: "ACTIVE" } });
      expect(await statusOf(tenant, notified.secret)).toBe("VALID");
      expect(await sut.app.dataSource.query("SELECT count(*)::int AS count FROM audit_events WHERE target_id = $1 AND action = 'KEY_LEAKED'", [notified.id])).toEqual([{ count: 1 }]);
    });

    it("answers an unknown key and another tenant's key alike (NOT_FOUND), changing nothing", async () => {
      const tenant = await createTenant(sut.root);
      const other = await createTenant(sut.root);
      const theirs = await createKey(other.admin);
      expect(await tenant.admin.code(REPORT, { input: { key: theirs.secret, source: "a gist" } })).toBe("NOT_FOUND");
      expect(await tenant.admin.code(REPORT, { input: { key: forgedSecretFor((await createKey(tenant.admin)).secret), source: "a gist" } })).toBe("NOT_FOUND");
      expect(await statusOf(other, theirs.secret)).toBe("VALID");
      expect(await sut.app.dataSource.query("SELECT id FROM audit_events WHERE target_id = $1 AND action = 'KEY_LEAKED'", [theirs.id])).toEqual([]);
    });

    it("refuses a string that is not a Keysmith key as BAD_USER_INPUT, without echoing it", async () => {
      const tenant = await createTenant(sut.root);
      const key = await createKey(tenant.admin);
      const result = await tenant.admin.request(REPORT, { input: { key: badChecksum(key.secret), source: "a gist" } });
      expect(result.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "key" });
      expect(result.text).not.toContain(key.secret.slice(-20));
    });

    it("needs keys:revoke, and lets root report any tenant's key", async () => {
      const tenant = await createTenant(sut.root);
      const key = await createKey(tenant.admin);
      const reader = tenant.admin.as((await createKey(tenant.admin, { scopes: ["keys:list"] })).secret);
      expect(await reader.code(REPORT, { input: { key: key.secret, source: "a gist" } })).toBe("FORBIDDEN");
      expect((await sut.root.ok(REPORT, { input: { key: key.secret, source: "found by the platform team" } })).reportLeakedKey.apiKey.status).toBe("REVOKED");
    });

    it("lets a weaker key report a stronger one: whoever holds the secret could do worse", async () => {
      const tenant = await createTenant(sut.root);
      const reporter = tenant.admin.as((await createKey(tenant.admin, { scopes: ["keys:revoke"] })).secret);
      const { reportLeakedKey } = await reporter.ok(REPORT, { input: { key: tenant.adminKey, source: "a screenshot" } });
      expect(reportLeakedKey.apiKey).toMatchObject({ id: tenant.adminKeyId, status: "REVOKED" });
    });
  });

  describe("the tenant's leakedKeyAction", () => {
    it("is set by a principal holding every keys scope, read with keys:list, and set by root with updateTenant", async () => {
      const tenant = await createTenant(sut.root);
      expect((await tenant.admin.ok("{ tenantSettings { leakedKeyAction } }")).tenantSettings).toEqual({ leakedKeyAction: "REVOKE" });
      const partial = tenant.admin.as((await createKey(tenant.admin, { scopes: ["keys:list", "keys:revoke", "keys:update"] })).secret);
      expect(await partial.code(SETTINGS, { input: { leakedKeyAction: "NOTIFY" } })).toBe("FORBIDDEN");
      expect((await partial.ok("{ tenantSettings { leakedKeyAction } }")).tenantSettings.leakedKeyAction).toBe("REVOKE");
      await sut.root.ok(`mutation ($input: UpdateTenantInput!) { updateTenant(input: $input) { tenant { leakedKeyAction } } }`, { input: { id: tenant.id, leakedKeyAction: "DISABLE" } });
      expect((await tenant.admin.ok("{ tenantSettings { leakedKeyAction } }")).tenantSettings.leakedKeyAction).toBe("DISABLE");
      expect(await tenant.admin.code(SETTINGS, { input: { leakedKeyAction: "SHRUG" } })).toBe("BAD_USER_INPUT");
    });
  });
});

describe("GitHub secret scanning: POST /v1/leaks/github", () => {
  let database: ServerDatabase;
  let sut: TestApp;
  beforeAll(async () => {
    database = await unsharedDatabase();
    sut = await startTestApp({ database: database.target, config: { githubScanningKeys: parseKeys() }, events: { manual: true } });
  });
  afterAll(async () => {
    await sut?.close();
    await database?.drop();
  });

  // The same parsing the server applies to GITHUB_SCANNING_KEYS at start.
  const parseKeys = () => parseScanningKeys(SCANNING_KEYS);

  async function report(tokens: Array<Record<string, unknown>>, options: { signature?: string; keyId?: string; body?: string } = {}) {
    const body = options.body ?? JSON.stringify(tokens);
    const signature = options.signature ?? sign("sha256", Buffer.from(body), github.privateKey).toString("base64");
    const response = await fetch(`${sut.app.url}/v1/leaks/github`, {
      method: "POST",
      headers: { "content-type": "application/json", "github-public-key-identifier": options.keyId ?? KEY_ID, "github-public-key-signature": signature },
      body,
    });
    return { status: response.status, body: (await response.json()) as any, requestId: response.headers.get("x-request-id")! };
  }
  const found = (token: string) => ({ token, type: "keysmith_api_key", url: "https://github.com/octo/repo/blob/main/.env", source: "content" });

  it("labels each reported token, revoking the real ones under their tenant's action", async () => {
    const tenant = await createTenant(sut.root);
    const other = await createTenant(sut.root);
    await other.admin.ok(SETTINGS, { input: { leakedKeyAction: "NOTIFY" } });
    const leaked = await createKey(tenant.admin);
    const watched = await createKey(other.admin);
    const forged = forgedSecretFor(leaked.secret);
    const answer = await report([found(leaked.secret), found(badChecksum(leaked.secret)), found(watched.secret), found(forged)]);
    expect(answer).toMatchObject({ status: 200 });
    expect(answer.body).toEqual([
      { token_hash: sha256(leaked.secret), token_type: "keysmith_api_key", label: "true_positive" },
      { token_hash: sha256(badChecksum(leaked.secret)), token_type: "keysmith_api_key", label: "false_positive" },
      { token_hash: sha256(watched.secret), token_type: "keysmith_api_key", label: "true_positive" },
      { token_hash: sha256(forged), token_type: "keysmith_api_key", label: "false_positive" },
    ]);
    expect(JSON.stringify(answer.body)).not.toContain(leaked.secret);
    expect(await statusOf(tenant, leaked.secret)).toBe("REVOKED");
    expect(await statusOf(other, watched.secret)).toBe("VALID");
    const [audit] = await sut.app.dataSource.query("SELECT actor_kind, actor_label, changes FROM audit_events WHERE target_id = $1 AND action = 'KEY_LEAKED'", [leaked.id]);
    expect(audit).toMatchObject({ actor_kind: "SYSTEM", actor_label: "GitHub secret scanning", changes: { leak: { after: { source: "GitHub content", url: found("").url, action: "REVOKE" } } } });
  });

  it("answers tokens with a bad checksum false_positive with no database work at all", async () => {
    const tenant = await createTenant(sut.root);
    const key = await createKey(tenant.admin);
    const answer = await report([found(badChecksum(key.secret)), found("ghp_notakeysmithkeyatall"), found("acme_tooShort")]);
    expect(answer.body.map((label: { label: string }) => label.label)).toEqual(["false_positive", "false_positive", "false_positive"]);
    expect(sut.app.requestWork(answer.requestId)).toEqual({ queries: 0, bcryptCompares: 0 });
  });

  it("is not throttled by noise: a flood of well-formed tokens that are no keys still leaves real leaks acted on", async () => {
    const tenant = await createTenant(sut.root);
    const leaked = await createKey(tenant.admin);
    // More than the failed-check budget of any caller (100 a minute), as anyone could commit to public repositories.
    for (let round = 0; round < 2; round++) {
      const noise = Array.from({ length: 99 }, (_, index) => found(unknownKey(`n${round}x${index}`)));
      const answer = await report(noise);
      expect(answer.status).toBe(200);
      expect(answer.body.every((label: { label: string }) => label.label === "false_positive")).toBe(true);
    }
    expect((await report([found(leaked.secret)])).body[0].label).toBe("true_positive");
    expect(await statusOf(tenant, leaked.secret)).toBe("REVOKED");
  });

  it("refuses an unsigned, wrongly signed or unknown-key report (401), acting on nothing", async () => {
    const tenant = await createTenant(sut.root);
    const key = await createKey(tenant.admin);
    const tokens = [found(key.secret)];
    const otherSigner = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const forged = sign("sha256", Buffer.from(JSON.stringify(tokens)), otherSigner.privateKey).toString("base64");
    for (const options of [{ signature: "" }, { signature: forged }, { keyId: "not-a-github-key" }, { signature: "bm90IGEgc2lnbmF0dXJl" }]) {
      const answer = await report(tokens, options);
      expect({ options, status: answer.status, code: answer.body.error.code }).toEqual({ options, status: 401, code: "UNAUTHENTICATED" });
    }
    // Signed, then altered: the signature no longer matches.
    const signature = sign("sha256", Buffer.from(JSON.stringify(tokens)), github.privateKey).toString("base64");
    expect((await report(tokens, { signature, body: JSON.stringify([found(key.secret), found(key.secret)]) })).status).toBe(401);
    expect(await statusOf(tenant, key.secret)).toBe("VALID");
  });

  it("refuses a signed body that is not a list of reported tokens (400)", async () => {
    for (const body of ["not json", "{}", "[]", JSON.stringify([{ type: "x" }]), JSON.stringify(Array.from({ length: 101 }, () => found("x")))]) {
      const answer = await report([], { body });
      expect({ body: body.slice(0, 20), status: answer.status, code: answer.body.error.code }).toEqual({ body: body.slice(0, 20), status: 400, code: "BAD_REQUEST" });
    }
  });

  it("is off (404) where GITHUB_SCANNING_KEYS is not set", async () => {
    const plain = await startTestApp({ database: database.target, events: { manual: true } });
    try {
      const response = await fetch(`${plain.app.url}/v1/leaks/github`, { method: "POST", body: "[]" });
      expect(response.status).toBe(404);
      expect(((await response.json()) as any).error.code).toBe("NOT_FOUND");
    } finally {
      await plain.close();
    }
  });

  const statusOf = async (tenant: TenantFixture, key: string) => {
    const backend = await backendOf(tenant);
    return (await backend.ok(CHECK, { input: { key } })).checkKey.code;
  };
});
