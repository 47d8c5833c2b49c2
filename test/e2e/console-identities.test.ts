/**
 * The console's identities, named limits, credits and usage charts in a real browser (Debian's
 * chromium through playwright-core) against a real Keysmith on the embedded database.
 */
import type { Locator, Page } from "playwright-core";
import { type ConsoleBrowser, buildConsole, launchConsoleBrowser, screenshot, seriousAccessibilityViolations } from "../support/console-browser";
import { createIdentity } from "../support/identity-operations";
import { type TestApp, startTestApp } from "../support/test-app";

const CREATE_TENANT = `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } adminKey { secret } } }`;

jest.setTimeout(180_000);

describe("web console: identities, limits, credits and usage", () => {
  let sut: TestApp;
  let browser: ConsoleBrowser;
  let page: Page;
  let adminKey: string;
  let otherIdentityId: string;
  let identityId = "";
  let secret = "";
  const suffix = Date.now().toString(36);
  const accessibility: string[] = [];

  const shot = (name: string) => screenshot(page, name, { fullPage: true });
  const scan = async (what: string) => accessibility.push(...(await seriousAccessibilityViolations(page, what)));
  const dialog = (name: string | RegExp): Locator => page.getByRole("dialog", { name });
  const nav = (name: string) => page.getByRole("navigation", { name: "Console" }).getByRole("link", { name, exact: true });
  const region = (name: string) => page.getByRole("region", { name, exact: true });
  /** Routes inside the console as a link would, keeping the in-memory session. */
  const goTo = (to: string) => page.evaluate(`history.pushState(null, "", ${JSON.stringify(`/console${to}`)}); dispatchEvent(new PopStateEvent("popstate"))`);
  const detail = (scope: Locator, term: string) => scope.locator("dl > div", { has: page.locator("dt", { hasText: new RegExp(`^${term}$`) }) }).locator("dd");

  beforeAll(async () => {
    buildConsole();
    browser = await launchConsoleBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
    sut = await startTestApp();

    const created = await sut.root.ok<any>(CREATE_TENANT, { input: { slug: `initech-${suffix}`, name: "Initech", keyPrefix: "init" } });
    adminKey = created.createTenant.adminKey.secret;
    // Another tenant with an identity of its own: never visible to Initech.
    const other = await sut.root.ok<any>(CREATE_TENANT, { input: { slug: `umbrella-${suffix}`, name: "Umbrella", keyPrefix: "umb" } });
    otherIdentityId = (await createIdentity(sut.client.as(other.createTenant.adminKey.secret), { externalId: "umbrella-secret-customer", name: "Umbrella customer" })).id;
  });

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
  });

  it("creates an identity with a shared limit, and refuses a second with its external id", async () => {
    await page.goto(`${sut.app.url}/console/`);
    await page.getByLabel("API key or token").fill(adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await nav("Identities").click();
    await page.getByRole("heading", { name: "Identities" }).waitFor();
    await page.getByText("No identities yet").waitFor();
    await scan("identities page");

    await page.getByRole("button", { name: "Create identity" }).click();
    const create = dialog("Create identity");
    await create.getByLabel("External id").fill("cust-42");
    await create.getByLabel("Display name").fill("Globex Corporation");
    await create.getByLabel("Metadata").fill('{"plan": "gold"}');
    await create.getByRole("button", { name: "Add limit" }).click();
    const limit = create.getByRole("group", { name: "Limit 1" });
    await limit.getByLabel("Limit name").fill("requests");
    await limit.getByLabel("Allowed").fill("100");
    await limit.getByLabel("Window").fill("1");
    await limit.getByLabel("Unit").selectOption("hours");
    await shot("create-identity");
    await scan("create identity dialog");
    await create.getByRole("button", { name: "Create identity" }).click();

    await page.getByRole("heading", { name: "Globex Corporation" }).waitFor();
    identityId = page.url().split("/").pop()!;
    const limits = region("Shared rate limits");
    await limits.getByRole("cell", { name: "requests" }).waitFor();
    await limits.getByRole("cell", { name: "1 hour" }).waitFor();
    await region("Keys").getByText("No keys yet").waitFor();
    await region("Audit trail").getByText("Identity created").waitFor();
    await shot("identity");
    await scan("identity page");

    // The same external id again: the server's CONFLICT, in words.
    await nav("Identities").click();
    await page.getByRole("button", { name: "Create identity" }).click();
    await create.getByLabel("External id").fill("cust-42");
    await create.getByRole("button", { name: "Create identity" }).click();
    await create.getByRole("alert").getByText("another identity of the tenant has this externalId", { exact: false }).waitFor();
    await create.getByRole("button", { name: "Cancel" }).click();
  });

  it("finds identities with the server's search", async () => {
    await createIdentity(sut.client.as(adminKey), { externalId: "cust-7", name: "Soylent" });
    await page.getByLabel("Search identities").fill("globex");
    await page.getByRole("link", { name: "cust-42" }).waitFor();
    // The list may first show what the cache held; the deleted identity leaves it once the list is read again.
    await page.getByRole("link", { name: "cust-7" }).waitFor({ state: "detached" });
    expect(await page.getByRole("link", { name: "cust-7" }).count()).toBe(0);
    await page.getByLabel("Search identities").fill("umbrella");
    await page.getByText("No identity matches").waitFor();
    await page.getByLabel("Search identities").fill("");
    await page.getByRole("link", { name: "cust-7" }).waitFor();
    await page.getByRole("link", { name: "cust-42" }).waitFor();
  });

  it("creates a key of the identity with a named limit and credits, and shows them on the key page", async () => {
    await nav("Keys").click();
    await page.getByRole("button", { name: "Create key" }).click();
    const create = dialog("Create key");
    // No limit rows yet: "Name" (with its required mark) is the key's.
    await create.getByLabel("Name").fill("Globex backend");
    await create.getByLabel("Identity", { exact: true }).fill("globex");
    await page.getByRole("option", { name: "cust-42 (Globex Corporation)" }).click();
    await create.getByRole("button", { name: "Add limit" }).click();
    const limit = create.getByRole("group", { name: "Limit 1" });
    await limit.getByLabel("Limit name").fill("search");
    await limit.getByLabel("Allowed").fill("2");
    await limit.getByLabel("Window").fill("1");
    await limit.getByLabel("Unit").selectOption("hours");
    await create.getByLabel("Meter this key with credits").check();
    await create.getByLabel("Credits remaining").fill("10");
    await create.getByLabel("Refill", { exact: true }).selectOption("MONTHLY");
    await create.getByLabel("Refill to").fill("100");
    await create.getByLabel("Day of month").fill("31");
    await shot("create-key-limits-credits");
    await scan("create key dialog with limits and credits");
    await create.getByRole("button", { name: "Create", exact: true }).click();

    const shown = dialog("Your new key");
    secret = (await shown.getByText(/^init_[0-9A-Za-z]{50}$/).textContent())!.trim();
    await shown.getByRole("button", { name: "I have stored it" }).click();
    await page.getByRole("heading", { name: "Globex backend" }).waitFor();

    await page.getByRole("link", { name: "cust-42 (Globex Corporation)" }).waitFor();
    const metering = region("Limits and credits");
    expect(await detail(metering, "Credits remaining").textContent()).toBe("10");
    expect(await detail(metering, "Refill").textContent()).toBe("Back to 100 on the last day of every month (00:00 UTC)");
    await metering.getByRole("cell", { name: "search" }).waitFor();
    await metering.getByRole("cell", { name: "Every check" }).waitFor();
    await region("Usage").getByText("No checks in the last 24 hours.").waitFor();
    await scan("key page with limits, credits and usage");
  });

  it("runs checks that spend credits and limits, and the usage chart and table show them", async () => {
    const panel = page.getByRole("form", { name: "Try a check" });
    const metering = region("Limits and credits");
    await panel.getByLabel("Key to check").fill(secret);
    await panel.getByLabel("Cost").fill("3");
    await panel.getByRole("button", { name: "Check" }).click();
    await panel.getByText("Allowed: VALID").waitFor();
    await panel.getByText("Credits remaining: 7").waitFor();
    await panel.getByText("search: 1 of 2 left").waitFor();
    await panel.getByText("requests: 99 of 100 left").waitFor();
    await panel.getByText("Identity: cust-42 (Globex Corporation)").waitFor();
    await detail(metering, "Credits remaining").getByText("7", { exact: true }).waitFor();

    await panel.getByRole("button", { name: "Check" }).click();
    await panel.getByText("Credits remaining: 4").waitFor();
    await panel.getByRole("button", { name: "Check" }).click();
    await panel.getByText("Valid, not allowed: RATE_LIMITED").waitFor();
    await panel.getByText("search: 0 of 2 left (exceeded)").waitFor();
    await scan("check panel with limits");

    // Counts are written behind the checks: write them now, then refresh the chart.
    await sut.app.services.usage.flush();
    const usage = region("Usage");
    await usage.getByRole("button", { name: "Refresh" }).click();
    const summary = "3 checks in the last 24 hours: 2 VALID, 1 RATE_LIMITED.";
    await usage.getByText(summary, { exact: true }).waitFor();
    await usage.getByRole("img", { name: /Checks of Globex backend in the last 24 hours/ }).waitFor();
    await usage.locator(".recharts-bar-rectangle").first().waitFor();
    await usage.getByText("Show the numbers as a table").click();
    const table = usage.getByRole("table");
    await table.getByRole("columnheader", { name: "RATE_LIMITED" }).waitFor();
    const row = table.getByRole("row").nth(1);
    expect(await row.getByRole("cell").allTextContents()).toEqual(["3", "2", "1"]);
    await shot("key-usage");
    await scan("usage chart and table");

    await usage.getByText("30 days, by day").click();
    await usage.getByText("3 checks in the last 30 days: 2 VALID, 1 RATE_LIMITED.", { exact: true }).waitFor();

    await nav("Keys").click();
    const tenantUsage = region("Checks of all keys");
    await tenantUsage.getByText(summary, { exact: true }).waitFor();
    await shot("keys-usage");
    await scan("keys page with usage");
  });

  it("edits the key's credits and limits", async () => {
    await page.getByRole("link", { name: "Globex backend" }).click();
    await page.getByRole("button", { name: "Edit" }).click();
    const edit = dialog("Edit Globex backend");
    await edit.getByLabel("Identity", { exact: true }).and(page.locator('[value="cust-42 (Globex Corporation)"]')).waitFor();
    expect(await edit.getByLabel("Credits remaining").inputValue()).toBe("4");
    await edit.getByLabel("Add credits").fill("10");
    await edit.getByRole("group", { name: "Limit 1" }).getByLabel("Allowed").fill("5");
    await scan("edit key dialog with limits and credits");
    await edit.getByRole("button", { name: "Save changes" }).click();
    const metering = region("Limits and credits");
    await detail(metering, "Credits remaining").getByText("14", { exact: true }).waitFor();
    await metering.getByRole("cell", { name: "5", exact: true }).waitFor();
  });

  it("edits the identity, lists its keys, and refuses to delete it while a key refers to it", async () => {
    await page.getByRole("link", { name: "cust-42 (Globex Corporation)" }).click();
    await page.getByRole("heading", { name: "Globex Corporation" }).waitFor();
    await region("Keys").getByRole("link", { name: "Globex backend" }).waitFor();

    await page.getByRole("button", { name: "Edit" }).click();
    const edit = dialog("Edit cust-42");
    await edit.getByLabel("Display name").fill("Globex Corp");
    await edit.getByRole("group", { name: "Limit 1" }).getByLabel("Allowed").fill("50");
    await scan("edit identity dialog");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("heading", { name: "Globex Corp", exact: true }).waitFor();
    await region("Shared rate limits").getByRole("cell", { name: "50", exact: true }).waitFor();
    await region("Audit trail").getByText("Identity updated").waitFor();

    await page.getByRole("button", { name: "Delete" }).click();
    const remove = dialog("Delete cust-42?");
    await scan("delete identity dialog");
    await remove.getByRole("button", { name: "Delete identity" }).click();
    await remove.getByRole("alert").getByText(/still owns 1 key/).waitFor();
    await shot("delete-identity-refused");
    await remove.getByRole("button", { name: "Cancel" }).click();

    await region("Keys").getByRole("link", { name: "Globex backend" }).click();
    await page.getByRole("heading", { name: "Globex backend" }).waitFor();
    await page.getByRole("link", { name: "cust-42 (Globex Corp)" }).waitFor();
  });

  it("deletes an identity without keys", async () => {
    await nav("Identities").click();
    await page.getByRole("link", { name: "cust-7" }).waitFor();
    await shot("identities");
    await page.getByRole("link", { name: "cust-7" }).click();
    await page.getByRole("heading", { name: "Soylent" }).waitFor();
    await page.getByRole("button", { name: "Delete" }).click();
    await dialog("Delete cust-7?").getByRole("button", { name: "Delete identity" }).click();
    await page.getByRole("heading", { name: "Identities" }).waitFor();
    await page.getByRole("link", { name: "cust-42" }).waitFor();
    // The list may first show what the cache held; the deleted identity leaves it once the list is read again.
    await page.getByRole("link", { name: "cust-7" }).waitFor({ state: "detached" });
    expect(await page.getByRole("link", { name: "cust-7" }).count()).toBe(0);
  });

  it("shows another tenant's identity as not found", async () => {
    await goTo(`/identities/${otherIdentityId}`);
    await page.getByText("No such identity").waitFor();
    expect(await page.getByText("Umbrella customer").count()).toBe(0);
    await goTo(`/identities/${identityId}`);
    await page.getByRole("heading", { name: "Globex Corp", exact: true }).waitFor();
  });

  it("sent nothing off this machine, kept the secrets out of storage, and passed axe", async () => {
    const stored = (await page.evaluate("JSON.stringify([location.href, Object.entries(localStorage), Object.entries(sessionStorage)])")) as string;
    for (const value of [secret, adminKey, sut.rootKey]) expect(stored).not.toContain(value);
    expect(browser.outsideRequests).toEqual([]);
    expect(browser.pageProblems).toEqual([]);
    expect(accessibility).toEqual([]);
  });
});
