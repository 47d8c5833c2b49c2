/**
 * The web console in a real browser (Debian's chromium through playwright-core) against a real
 * Keysmith on the embedded database. With SCREENSHOTS_DIR set (`npm run screenshots`) it also
 * saves a picture of every page and dialog there.
 */
import type { Locator, Page } from "playwright-core";
import { type ConsoleBrowser, buildConsole, launchConsoleBrowser, screenshot, seriousAccessibilityViolations } from "../support/console-browser";
import { createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";

const CHECK = `query ($input: CheckKeyInput!) { checkKey(input: $input) { valid allowed code matchedScopes missingScopes } }`;
const CREATE_TENANT = `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } adminKey { secret } } }`;
const DEFINE_NAMESPACE = `mutation ($input: DefineNamespaceInput!) { defineNamespace(input: $input) { namespace { id } } }`;
const DISABLE = `mutation ($id: ID!) { disableApiKey(input: { id: $id }) { apiKey { id } } }`;
const REVOKE = `mutation ($id: ID!) { revokeApiKey(input: { id: $id, reason: "Rotated by the old CI" }) { apiKey { id } } }`;

jest.setTimeout(180_000);

describe("web console", () => {
  let sut: TestApp;
  let browser: ConsoleBrowser;
  let page: Page;
  let tenantId: string;
  let adminKey: string;
  const slug = `acme-${Date.now().toString(36)}`;
  const secrets: string[] = [];
  const accessibility: string[] = [];
  let firstKey = "";
  let newKey = "";

  const shot = (name: string) => screenshot(page, name);
  /** Each page and dialog is scanned with axe-core where it is first shown. */
  const scan = async (what: string, exclude?: string[]) => accessibility.push(...(await seriousAccessibilityViolations(page, what, { exclude })));
  const dialog = (name: string | RegExp): Locator => page.getByRole("dialog", { name });
  const checkAsRoot = (key: string, scopes: string[]) => sut.root.ok<any>(CHECK, { input: { key, scopes, tenantId } }).then((data) => data.checkKey);
  const nav = (name: string) => page.getByRole("navigation", { name: "Console" }).getByRole("link", { name, exact: true });

  beforeAll(async () => {
    buildConsole();
    browser = await launchConsoleBrowser();
    page = browser.page;
    sut = await startTestApp();

    const created = await sut.root.ok<any>(CREATE_TENANT, { input: { slug, name: "Acme Corp", keyPrefix: "acme" } });
    tenantId = created.createTenant.tenant.id;
    adminKey = created.createTenant.adminKey.secret;
    const admin = sut.client.as(adminKey);
    await admin.ok(DEFINE_NAMESPACE, {
      input: { name: "messaging", description: "Chat API", operations: [{ name: "ListChannels", access: "READ" }, { name: "SendMessage", access: "WRITE" }] },
    });
    // A few keys in every state, so the lists, filters and pictures show something real.
    await createKey(admin, { name: "Mobile app (iOS)", scopes: ["example:*", "messaging:read"], expiresInDays: 90, externalId: "team-mobile" });
    await createKey(admin, { name: "Partner: Globex", scopes: ["example:read"], expiresInDays: 7 });
    const legacy = await createKey(admin, { name: "Legacy webhook", scopes: ["messaging:SendMessage"], allowedCidrs: ["203.0.113.0/24"] });
    await admin.ok(DISABLE, { id: legacy.id });
    const old = await createKey(admin, { name: "Old CI token", scopes: ["example:read"], expiresInDays: 365 });
    await admin.ok(REVOKE, { id: old.id });
    await createKey(admin, { name: "Local dev", scopes: ["example:read"], allowedCidrs: ["LOCAL_ONLY"], expiresInDays: 30 });
  });

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  it("signs a tenant admin in with a pasted key", async () => {
    await page.goto(`${sut.app.url}/console/`);
    await page.getByLabel("API key or token").fill("acme_not-a-real-key");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("This key or token was not accepted").waitFor();
    await shot("sign-in");
    await scan("sign-in page");

    await page.getByLabel("API key or token").fill(adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await nav("Keys").waitFor();
    for (const name of ["Audit log", "Scopes", "API explorer"]) await nav(name).waitFor();
    expect(await nav("Tenants").count()).toBe(0);
    await page.getByRole("link", { name: "Partner: Globex" }).waitFor();
    await shot("keys");
    await scan("keys page");
  });

  it("creates a key with scopes and an expiry, and shows it once", async () => {
    await page.getByRole("button", { name: "Create key" }).click();
    const create = dialog("Create key");
    await create.getByLabel("Name").fill("Billing service");
    await create.getByLabel("Description").fill("Charges cards for the web shop");
    await create.getByLabel("Expiry").selectOption({ label: "30 days" });
    await create.getByRole("radiogroup", { name: "Access to example" }).getByText("Read", { exact: true }).click();
    await create.getByRole("radiogroup", { name: "Access to messaging" }).getByText("Operations", { exact: true }).click();
    await create.getByRole("checkbox", { name: /SendMessage/ }).check();
    await create.getByText("Full access").waitFor();
    expect(await create.getByRole("checkbox", { name: /Full access/ }).isDisabled()).toBe(true);
    await create.getByLabel("Metadata").fill('{"plan": "gold"}');
    await create.getByLabel("Name").scrollIntoViewIfNeeded();
    await shot("create-key");
    await scan("create dialog");
    await create.getByRole("button", { name: "Create", exact: true }).click();

    const shown = dialog("Your new key");
    await shown.getByText("you will not see it again").waitFor();
    firstKey = (await shown.getByText(/^acme_[0-9A-Za-z]{50}$/).textContent())!.trim();
    secrets.push(firstKey);
    await shown.getByRole("button", { name: "Copy" }).click();
    await shown.getByRole("button", { name: "Copied" }).waitFor();
    await shot("show-once");
    await scan("show-once dialog");
    await shown.getByRole("button", { name: "I have stored it" }).click();
    await page.getByRole("heading", { name: "Billing service" }).waitFor();

    const check = await checkAsRoot(firstKey, ["example:read", "messaging:SendMessage"]);
    expect(check).toMatchObject({ valid: true, allowed: true, code: "VALID", matchedScopes: ["example:read", "messaging:SendMessage"] });
  });

  it("finds the key by part of it, filters by status and sorts", async () => {
    await nav("Keys").click();
    const lookupPart = firstKey.slice("acme_".length, "acme_".length + 9);
    await page.getByLabel("Search keys").fill(lookupPart);
    await page.getByText("Page 1 · 1 key").waitFor();
    await page.getByRole("link", { name: "Billing service" }).waitFor();
    expect(await page.getByRole("link", { name: "Partner: Globex" }).count()).toBe(0);
    await page.getByLabel("Search keys").fill("");

    await page.getByLabel("Status", { exact: true }).selectOption("REVOKED");
    await page.getByRole("link", { name: "Old CI token" }).waitFor();
    await page.getByText("Page 1 · 1 key").waitFor();
    await page.getByRole("button", { name: /Disabled/ }).click();
    await page.getByRole("link", { name: "Legacy webhook" }).waitFor();
    expect(await page.getByLabel("Status", { exact: true }).inputValue()).toBe("DISABLED");
    await page.getByRole("button", { name: /Total/ }).click();

    await page.getByRole("button", { name: "Name" }).click();
    await page.getByRole("columnheader", { name: "Name" }).and(page.locator("[aria-sort=ascending]")).waitFor();
    await page.getByRole("row").nth(1).getByRole("link", { name: "Admin key" }).waitFor();
    const names = await page.getByRole("row").getByRole("link").allTextContents();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    await page.getByRole("link", { name: "Billing service" }).click();
  });

  it("edits, disables and enables the key", async () => {
    await page.getByRole("heading", { name: "Billing service" }).waitFor();
    await shot("key");
    await scan("key page");
    await page.getByRole("button", { name: "Edit" }).click();
    const edit = dialog(/^Edit /);
    await edit.getByLabel("Name").fill("Billing service (prod)");
    await scan("edit dialog");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("heading", { name: "Billing service (prod)", exact: true }).waitFor();

    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByRole("button", { name: "Enable" }).waitFor();
    await page.getByText("DISABLED", { exact: true }).first().waitFor();
    expect((await checkAsRoot(firstKey, [])).code).toBe("DISABLED");
    await page.getByRole("button", { name: "Enable" }).click();
    await page.getByRole("button", { name: "Disable" }).waitFor();
    expect((await checkAsRoot(firstKey, [])).code).toBe("VALID");
  });

  it("regenerates the key with a grace period and revokes the new one", async () => {
    await page.getByRole("button", { name: "Regenerate" }).click();
    const regenerate = dialog(/^Regenerate /);
    await regenerate.getByLabel("Grace period").selectOption("3600");
    await shot("regenerate");
    await scan("regenerate dialog");
    await regenerate.getByRole("button", { name: "Regenerate key" }).click();
    const shown = dialog("Your new key");
    newKey = (await shown.getByText(/^acme_[0-9A-Za-z]{50}$/).textContent())!.trim();
    secrets.push(newKey);
    expect(newKey).not.toBe(firstKey);
    await shown.getByRole("button", { name: "I have stored it" }).click();
    expect((await checkAsRoot(newKey, ["example:read"])).code).toBe("VALID");
    expect((await checkAsRoot(firstKey, ["example:read"])).code).toBe("VALID");

    await page.getByRole("link", { name: "the previous key" }).waitFor();
    await page.getByRole("button", { name: "Revoke" }).click();
    const revoke = dialog(/^Revoke /);
    await revoke.getByLabel("Reason").fill("Replaced during the e2e run");
    await shot("revoke");
    await scan("revoke dialog");
    await revoke.getByRole("button", { name: "Revoke key" }).click();
    await page.getByText("REVOKED", { exact: true }).first().waitFor();
    expect((await checkAsRoot(newKey, [])).code).toBe("REVOKED");
  });

  it("shows the key's audit trail and explains checks", async () => {
    const trail = page.getByRole("region", { name: "Audit trail" });
    await trail.getByText("Key revoked").waitFor();

    const panel = page.getByRole("form", { name: "Try a check" });
    await panel.getByLabel("Key to check").fill(newKey);
    await panel.getByLabel("Required scopes").fill("example:read");
    await panel.getByRole("button", { name: "Check" }).click();
    await panel.getByText("Refused: REVOKED").waitFor();

    await page.getByRole("link", { name: "the previous key" }).click();
    await page.getByRole("heading", { name: "Billing service (prod)", exact: true }).waitFor();
    for (const action of ["Key created", "Key updated", "Key disabled", "Key enabled", "Key regenerated"]) await trail.getByText(action).first().waitFor();
    await panel.getByLabel("Key to check").fill(firstKey);
    await panel.getByLabel("Required scopes").fill("example:read, example:DeleteItem");
    await panel.getByRole("button", { name: "Check" }).click();
    await panel.getByText("Valid, not allowed: FORBIDDEN").waitFor();
    await panel.getByText("example:DeleteItem", { exact: true }).waitFor();
    await shot("check");
    await scan("check panel");
  });

  it("shows the audit log, the scope catalog, the subscriptions and the API explorer", async () => {
    await nav("Audit log").click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await page.getByRole("table").getByText("Key regenerated").first().waitFor();
    await shot("audit-log");
    await scan("audit log page");

    await nav("Scopes").click();
    await page.getByRole("heading", { name: "messaging" }).waitFor();
    await shot("scopes");
    await scan("scope catalog page");

    await nav("Subscriptions").click();
    await page.getByRole("heading", { name: "Subscriptions" }).waitFor();
    await scan("subscriptions page");

    await nav("API explorer").click();
    // The editor is ready once it shows the default query.
    await page.locator(".graphiql-query-editor .view-lines").getByText("query Me").waitFor();
    await page.getByRole("button", { name: /Execute query/ }).click();
    await page.locator(".graphiql-response").getByText('"TENANT"').waitFor();
    await shot("explorer");
    // GraphiQL's tab puts its close button inside the role="tab" element (axe: nested-interactive), upstream.
    await scan("API explorer page", [".graphiql-tab"]);
  });

  it("lets root pick a tenant and see the tenants", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("API key or token").fill(sut.rootKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await nav("Tenants").click();
    await page.getByRole("cell", { name: "Acme Corp" }).first().waitFor();
    await shot("tenants");
    await scan("tenants page");
    await page.getByRole("button", { name: "Create tenant" }).click();
    await dialog("Create tenant").getByLabel("Tenant name").waitFor();
    await scan("create tenant dialog");
    await dialog("Create tenant").getByRole("button", { name: "Cancel" }).click();

    await page.getByLabel("Acting in tenant").selectOption(tenantId);
    await nav("Keys").click();
    await page.getByRole("link", { name: "Partner: Globex" }).waitFor();
    await nav("Subscriptions").click();
    await page.getByRole("button", { name: "Create subscription" }).click();
    const create = dialog("Create subscription");
    await create.getByLabel("Subscription name").fill("Pro");
    await create.getByLabel("Plan").fill("pro-monthly");
    await create.getByLabel("Scope ceiling").fill("example:*");
    await scan("create subscription dialog");
    await create.getByRole("button", { name: "Create subscription" }).click();
    await page.getByRole("cell", { name: "pro-monthly" }).waitFor();
    await shot("subscriptions");
  });

  it("works at phone width", async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${sut.app.url}/console/`);
    await page.getByLabel("API key or token").fill(sut.rootKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Create key" }).waitFor();
    const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await page.getByRole("button", { name: "Open navigation" }).click();
    await nav("Tenants").waitFor();
    await shot("phone-navigation");
    await scan("phone navigation");
    await page.getByRole("button", { name: "Close navigation" }).click();
    await shot("phone-keys");
  });

  it("kept every secret out of URLs and storage, sent nothing off this machine, and passed axe", async () => {
    const stored = (await page.evaluate("JSON.stringify([location.href, Object.entries(localStorage), Object.entries(sessionStorage)])")) as string;
    for (const secret of [...secrets, adminKey, sut.rootKey]) expect(stored).not.toContain(secret);
    expect(browser.outsideRequests).toEqual([]);
    expect(browser.pageProblems).toEqual([]);
    expect(accessibility).toEqual([]);
  });
});
