/**
 * The console's webhooks pages and live keys pages in a real browser (Debian's chromium through
 * playwright-core) against a real Keysmith on the embedded database, delivering to a local
 * receiver (OUTBOUND_ALLOW opens 127.0.0.1 to it) with the delivery worker running as in
 * production. Every wait is for a state (a row, a request received, a subscriber), never a time.
 */
import type { Locator, Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { type ConsoleBrowser, buildConsole, launchConsoleBrowser, screenshot, seriousAccessibilityViolations } from "../support/console-browser";
import { REVOKE_KEY, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";
import { createEndpoint } from "../support/webhook-operations";
import { type WebhookReceiver, startWebhookReceiver } from "../support/webhook-receiver";

const CREATE_TENANT = `mutation ($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } adminKey { secret } } }`;
const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;

jest.setTimeout(180_000);

describe("web console: webhooks and live updates", () => {
  let sut: TestApp;
  let browser: ConsoleBrowser;
  let page: Page;
  let receiver: WebhookReceiver;
  let adminKey: string;
  let otherEndpointId: string;
  let endpointId = "";
  let secret = "";
  let rotatedSecret = "";
  const suffix = Date.now().toString(36);
  const accessibility: string[] = [];

  const shot = (name: string) => screenshot(page, name, { fullPage: true });
  const scan = async (what: string) => accessibility.push(...(await seriousAccessibilityViolations(page, what)));
  const dialog = (name: string | RegExp): Locator => page.getByRole("dialog", { name });
  const nav = (name: string) => page.getByRole("navigation", { name: "Console" }).getByRole("link", { name, exact: true });
  const region = (name: string) => page.getByRole("region", { name, exact: true });
  const live = () => page.getByRole("status", { name: "Live updates" });
  /** Routes inside the console as a link would, keeping the in-memory session. */
  const goTo = (to: string) => page.evaluate(`history.pushState(null, "", ${JSON.stringify(`/console${to}`)}); dispatchEvent(new PopStateEvent("popstate"))`);
  /** The deliveries table's rows of one event type, newest first. */
  const deliveryRows = (eventType: string) => region("Deliveries").locator("tr[data-delivery]", { has: page.getByRole("cell", { name: eventType, exact: true }) });
  /** Waits until the server holds exactly `count` live subscriptions (the browser's subscribe or complete message was read). */
  const liveSubscribers = async (count: number) => {
    while (sut.app.services.eventHub.subscribers !== count) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const signIn = async (credential: string) => {
    await page.getByLabel("API key or token").fill(credential);
    await page.getByRole("button", { name: "Sign in" }).click();
    await nav("Webhooks").waitFor();
  };

  beforeAll(async () => {
    buildConsole();
    browser = await launchConsoleBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
    receiver = await startWebhookReceiver();
    sut = await startTestApp({ config: { outboundAllow: ["127.0.0.1/32"] } });

    const created = await sut.root.ok<any>(CREATE_TENANT, { input: { slug: `hooli-${suffix}`, name: "Hooli", keyPrefix: "hooli" } });
    adminKey = created.createTenant.adminKey.secret;
    // Another tenant's endpoint: never visible to Hooli.
    const other = await sut.root.ok<any>(CREATE_TENANT, { input: { slug: `umbrella-${suffix}`, name: "Umbrella", keyPrefix: "umb" } });
    otherEndpointId = (await createEndpoint(sut.client.as(other.createTenant.adminKey.secret), { url: receiver.url("/umbrella"), events: ["KEY_LEAKED"], description: "Umbrella secret hooks" })).id;
  });

  afterAll(async () => {
    await browser?.close();
    await sut?.close();
    await receiver?.close();
  });

  it("creates an endpoint, refusing a URL that is not https, and shows its signing secret once", async () => {
    await page.goto(`${sut.app.url}/console/`);
    await signIn(adminKey);
    await nav("Webhooks").click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.getByText("No endpoints yet").waitFor();
    await scan("webhooks page, empty");

    await page.getByRole("button", { name: "Create endpoint" }).click();
    const create = dialog("Create endpoint");
    // Nothing chosen: refused before it is sent.
    await create.getByRole("button", { name: "Create endpoint" }).click();
    await create.getByText("Choose at least one event.").waitFor();

    // The server's BAD_USER_INPUT, in words, next to the URL.
    await create.getByLabel("URL").fill("ftp://hooks.example.com/keysmith");
    await create.getByRole("checkbox", { name: /^KEY_CREATED/ }).check();
    await create.getByRole("checkbox", { name: /^KEY_REVOKED/ }).check();
    expect(await create.getByRole("checkbox", { name: /^WEBHOOK_PING/ }).count()).toBe(0);
    await create.getByLabel("Description").fill("Hooli backend");
    await create.getByRole("button", { name: "Create endpoint" }).click();
    await create.getByText("Must use https").waitFor();
    await scan("create endpoint dialog with an error");

    await create.getByLabel("URL").fill(receiver.url("/hooli"));
    await shot("create-endpoint");
    await create.getByRole("button", { name: "Create endpoint" }).click();

    const shown = dialog("Your endpoint's signing secret");
    await shown.getByText("you will not see it again").waitFor();
    secret = (await shown.getByText(SECRET).textContent())!.trim();
    await shot("endpoint-secret");
    await scan("signing secret dialog");
    await shown.getByRole("button", { name: "I have stored it" }).click();

    await page.getByRole("heading", { name: "Hooli backend" }).waitFor();
    endpointId = page.url().split("/").pop()!;
    await region("Details").getByText(receiver.url("/hooli"), { exact: true }).waitFor();
    await region("Details").getByText("KEY_CREATED", { exact: true }).waitFor();
    await region("Details").getByText("KEY_REVOKED", { exact: true }).waitFor();
    await region("Deliveries").getByText("No deliveries yet").waitFor();
    await scan("endpoint page");

    await nav("Webhooks").click();
    const row = page.getByRole("row").filter({ hasText: receiver.url("/hooli") });
    await row.getByText("KEY_CREATED, KEY_REVOKED").waitFor();
    await row.getByText("Enabled", { exact: true }).waitFor();
    await row.getByText("Hooli backend").waitFor();
    await shot("webhooks");
    await scan("webhooks page");
  });

  it("never shows the signing secret again, even after a reload", async () => {
    await page.reload();
    // The credential lived in memory only: sign in again.
    await signIn(adminKey);
    await goTo(`/webhooks/${endpointId}`);
    await page.getByRole("heading", { name: "Hooli backend" }).waitFor();
    await region("Details").getByText("Shown only when made").waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await page.getByText(/whsec_/).count()).toBe(0);
  });

  it("pings the endpoint: the receiver gets a signed delivery and the page shows it DELIVERED with its attempt and payload", async () => {
    await page.getByRole("button", { name: "Ping" }).click();
    await page.getByText("Ping sent").waitFor();
    const [ping] = await receiver.waitFor(1);
    expect(ping.event.type).toBe("WEBHOOK_PING");
    expect(new Webhook(secret).verify(ping.body, ping.headers)).toMatchObject({ type: "WEBHOOK_PING" });

    const row = deliveryRows("WEBHOOK_PING");
    await row.getByText("DELIVERED", { exact: true }).waitFor();
    await row.getByRole("cell", { name: "HTTP 200", exact: true }).waitFor();
    expect(await row.getByRole("cell").nth(2).textContent()).toBe("1");

    await row.getByRole("button", { name: "Details" }).click();
    const attempts = region("Deliveries").getByRole("table", { name: "Attempts of the WEBHOOK_PING delivery" });
    await attempts.getByRole("cell", { name: "HTTP 200", exact: true }).waitFor();
    const payload = region("Deliveries").getByLabel("Payload of the WEBHOOK_PING delivery");
    await payload.getByText('"type": "WEBHOOK_PING"', { exact: false }).waitFor();
    await region("Deliveries").getByText(ping.headers["webhook-id"], { exact: true }).waitFor();
    await shot("endpoint-deliveries");
    await scan("deliveries with an attempt log and payload");
    await row.getByRole("button", { name: "Hide details" }).click();
  });

  it("redelivers a delivery with the same webhook-id", async () => {
    const [first] = receiver.received;
    await deliveryRows("WEBHOOK_PING").first().getByRole("button", { name: "Redeliver" }).click();
    const [, again] = await receiver.waitFor(2);
    expect(again.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(new Webhook(secret).verify(again.body, again.headers)).toMatchObject({ type: "WEBHOOK_PING" });
    const rows = deliveryRows("WEBHOOK_PING");
    await rows.nth(1).waitFor();
    await rows.nth(0).getByText("DELIVERED", { exact: true }).waitFor();
    await rows.nth(1).getByText("DELIVERED", { exact: true }).waitFor();
    expect(await rows.count()).toBe(2);
  });

  it("edits the endpoint's events, description and enabled flag", async () => {
    await page.getByRole("button", { name: "Edit" }).click();
    const edit = dialog("Edit endpoint");
    expect(await edit.getByLabel("URL").inputValue()).toBe(receiver.url("/hooli"));
    expect(await edit.getByRole("checkbox", { name: /^KEY_CREATED/ }).isChecked()).toBe(true);
    await edit.getByRole("checkbox", { name: /^KEY_REVOKED/ }).uncheck();
    await edit.getByRole("checkbox", { name: /^KEY_LEAKED/ }).check();
    await edit.getByLabel("Description").fill("Hooli events");
    await edit.getByRole("switch", { name: "Enabled" }).uncheck();
    await scan("edit endpoint dialog");
    await edit.getByRole("button", { name: "Save changes" }).click();

    await page.getByRole("heading", { name: "Hooli events" }).waitFor();
    await page.getByText("This endpoint is disabled").waitFor();
    const details = region("Details");
    await details.getByText("KEY_LEAKED", { exact: true }).waitFor();
    expect(await details.getByText("KEY_REVOKED", { exact: true }).count()).toBe(0);
    await details.getByText("Disabled", { exact: true }).waitFor();

    await page.getByRole("button", { name: "Edit" }).click();
    await edit.getByRole("switch", { name: "Enabled" }).check();
    await edit.getByRole("button", { name: "Save changes" }).click();
    await details.getByText("Enabled", { exact: true }).waitFor();
    expect(await page.getByText("This endpoint is disabled").count()).toBe(0);
  });

  it("rotates the secret: the new one is shown once, and both sign until the old one expires", async () => {
    await page.getByRole("button", { name: "Rotate secret" }).click();
    const confirm = dialog("Rotate the signing secret?");
    await confirm.getByText("keeps signing beside it for 24 hours").waitFor();
    await scan("rotate secret dialog");
    await confirm.getByRole("button", { name: "Rotate secret" }).click();

    const shown = dialog("The new signing secret");
    await shown.getByText("signed with both secrets until", { exact: false }).waitFor();
    rotatedSecret = (await shown.getByText(SECRET).textContent())!.trim();
    expect(rotatedSecret).not.toBe(secret);
    await shot("rotated-secret");
    await scan("rotated secret dialog");
    await shown.getByRole("button", { name: "I have stored it" }).click();
    await region("Details").getByText("Rotated: the previous secret signs too until", { exact: false }).waitFor();

    // A delivery now carries both signatures: receivers on either secret accept it.
    await page.getByRole("button", { name: "Ping" }).click();
    const [, , ping] = await receiver.waitFor(3);
    expect(ping.headers["webhook-signature"].split(" ")).toHaveLength(2);
    for (const signing of [secret, rotatedSecret]) expect(new Webhook(signing).verify(ping.body, ping.headers)).toMatchObject({ type: "WEBHOOK_PING" });
    await deliveryRows("WEBHOOK_PING").nth(2).waitFor();
    await deliveryRows("WEBHOOK_PING").first().getByText("DELIVERED", { exact: true }).waitFor();
    expect(await page.content()).not.toContain(rotatedSecret);
  });

  it("shows another tenant's endpoint as not found", async () => {
    await goTo(`/webhooks/${otherEndpointId}`);
    await page.getByText("No such endpoint").waitFor();
    expect(await page.getByText("Umbrella secret hooks").count()).toBe(0);
    await scan("endpoint not found");
    await goTo(`/webhooks/${endpointId}`);
    await page.getByRole("heading", { name: "Hooli events" }).waitFor();
  });

  it("deletes the endpoint after a confirmation", async () => {
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const remove = dialog("Delete this endpoint?");
    await scan("delete endpoint dialog");
    await remove.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("heading", { name: "Hooli events" }).waitFor();

    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await remove.getByRole("button", { name: "Delete endpoint" }).click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.getByText("No endpoints yet").waitFor();
    await goTo(`/webhooks/${endpointId}`);
    await page.getByText("No such endpoint").waitFor();
  });

  it("shows a key created through the API on the keys page without a reload", async () => {
    await nav("Keys").click();
    // The tenant's admin key only, so far.
    const total = page.getByRole("group", { name: "Key counts" }).getByRole("button", { name: /Total/ });
    await total.getByText("1", { exact: true }).waitFor();
    await live().getByText("Live", { exact: true }).waitFor();
    await liveSubscribers(1);
    await scan("keys page, live");

    await createKey(sut.client.as(adminKey), { name: "Made elsewhere" });
    await page.getByRole("link", { name: "Made elsewhere" }).waitFor();
    await total.getByText("2", { exact: true }).waitFor();
    await shot("keys-live");

    // The key's page follows its own key: a revocation elsewhere shows without a reload.
    const made = (await page.getByRole("link", { name: "Made elsewhere" }).getAttribute("href"))!.split("/").pop()!;
    // Through a page that does not listen, so the one subscription counted is the key page's.
    await nav("Webhooks").click();
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await liveSubscribers(0);
    await goTo(`/keys/${made}`);
    await page.getByRole("heading", { name: "Made elsewhere" }).waitFor();
    await live().getByText("Live", { exact: true }).waitFor();
    await liveSubscribers(1);
    await sut.client.as(adminKey).ok(REVOKE_KEY, { input: { id: made, reason: "done" } });
    await page.getByText("REVOKED", { exact: true }).first().waitFor();
  });

  it("stops the live updates when the server closes the socket for a revoked credential", async () => {
    const own = await createKey(sut.client.as(adminKey), { name: "Console key", scopes: ["keys:list"] });
    await page.getByRole("button", { name: "Sign out" }).click();
    // Signed out: no live socket stays open.
    await page.getByLabel("API key or token").waitFor();
    await liveSubscribers(0);

    await page.getByLabel("API key or token").fill(own.secret);
    await page.getByRole("button", { name: "Sign in" }).click();
    await nav("Keys").click();
    await page.getByRole("heading", { name: "API keys" }).waitFor();
    await live().getByText("Live", { exact: true }).waitFor();
    await sut.client.as(adminKey).ok(REVOKE_KEY, { input: { id: own.id } });
    await live().getByText("Live updates stopped").waitFor();
    await live().getByText("Your credential was revoked or disabled.", { exact: false }).waitFor();
    await scan("keys page, live updates stopped");
  });

  it("sent nothing off this machine, kept the secrets out of storage, and passed axe", async () => {
    const stored = (await page.evaluate("JSON.stringify([location.href, Object.entries(localStorage), Object.entries(sessionStorage)])")) as string;
    for (const value of [secret, rotatedSecret, adminKey, sut.rootKey]) expect(stored).not.toContain(value);
    expect(browser.outsideRequests).toEqual([]);
    expect(browser.pageProblems).toEqual([]);
    expect(accessibility).toEqual([]);
  });
});
