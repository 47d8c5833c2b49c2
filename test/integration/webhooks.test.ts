import { Webhook } from "standardwebhooks";
import { backendOf } from "../support/checks";
import { createTenant, type TenantFixture } from "../support/factories";
import { DISABLE_KEY, ENABLE_KEY, REGENERATE_KEY, REVOKE_KEY, UPDATE_KEY, createKey } from "../support/key-operations";
import { type ServerDatabase, unsharedDatabase } from "../support/local-services";
import { restCheck } from "../support/rest-checks";
import { type TestApp, startTestApp } from "../support/test-app";
import {
  ALL_EVENTS,
  CREATE_ENDPOINT,
  DELETE_ENDPOINT,
  LIST_DELIVERIES,
  LIST_ENDPOINTS,
  PING_ENDPOINT,
  REDELIVER,
  ROTATE_SECRET,
  UPDATE_ENDPOINT,
  createEndpoint,
  deliveriesOf,
} from "../support/webhook-operations";
import { type ReceivedWebhook, type WebhookReceiver, startWebhookReceiver } from "../support/webhook-receiver";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Deliveries claimed together are sent at once, in any order. */
const sortedPairs = (pairs: string[][]) => [...pairs].sort((a, b) => a.join().localeCompare(b.join()));

/**
 * Webhooks end to end: a local receiver gets what a tenant's backend would, and the independent
 * Standard Webhooks verifier checks every delivery. The worker and the scan are driven by hand
 * (drain, scan) on an injected clock: retries are followed without sleeping.
 */
describe("webhooks", () => {
  let database: ServerDatabase;
  let sut: TestApp;
  let receiver: WebhookReceiver;
  /** The worker's and the outbox's clock: frozen at the start, moved only by the tests. */
  let base = 0;
  let offsetMs = 0;
  const drain = () => sut.app.services.deliveries.drain();
  const scan = () => sut.app.services.keyEventScan.scan();
  const verified = (secret: string, delivery: ReceivedWebhook) => new Webhook(secret).verify(delivery.body, delivery.headers);

  beforeAll(async () => {
    database = await unsharedDatabase();
    receiver = await startWebhookReceiver();
    base = Date.now();
    sut = await startTestApp({
      database: database.target,
      config: { outboundAllow: ["127.0.0.1/32"] },
      clock: () => base + offsetMs,
      events: { manual: true, sendTimeoutMs: 5_000 },
    });
  });
  afterAll(async () => {
    await sut?.close();
    await receiver?.close();
    await database?.drop();
  });
  afterEach(async () => {
    // Nothing a test left pending is attempted by the next one.
    await sut.app.dataSource.query("UPDATE webhook_deliveries SET status = 'FAILED' WHERE status = 'PENDING'");
    receiver.reset();
    offsetMs = 0;
  });

  /** A tenant with one endpoint on the receiver, subscribed to `events` (all by default). */
  async function subscribedTenant(events = ALL_EVENTS, path = `/${Math.random().toString(36).slice(2)}`) {
    const tenant = await createTenant(sut.root);
    const endpoint = await createEndpoint(tenant.admin, { url: receiver.url(path), events, description: "test receiver" });
    const received = () => receiver.received.filter((delivery) => delivery.event.data.tenantId === tenant.id);
    return { tenant, endpoint, received };
  }

  describe("endpoints", () => {
    it("returns the signing secret once, at creation, and never again", async () => {
      const { tenant, endpoint } = await subscribedTenant(["KEY_CREATED"]);
      expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(endpoint.endpoint).toMatchObject({ events: ["KEY_CREATED"], enabled: true, description: "test receiver" });
      const listed = await tenant.admin.request(LIST_ENDPOINTS, {});
      expect(listed.data.webhookEndpoints.nodes).toEqual([endpoint.endpoint]);
      expect(listed.text).not.toContain(endpoint.secret.slice(6));
      const audit = await sut.app.dataSource.query("SELECT changes::text FROM audit_events WHERE target_id = $1", [endpoint.id]);
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit)).not.toContain(endpoint.secret.slice(6));
    });

    it("updates the URL, events, description and enabled flag, audited", async () => {
      const { tenant, endpoint } = await subscribedTenant();
      const { updateWebhookEndpoint } = await tenant.admin.ok(UPDATE_ENDPOINT, {
        input: { id: endpoint.id, url: receiver.url("/moved"), events: ["KEY_REVOKED", "KEY_CREATED", "KEY_REVOKED"], description: null, enabled: false },
      });
      expect(updateWebhookEndpoint.endpoint).toMatchObject({ url: receiver.url("/moved"), events: ["KEY_CREATED", "KEY_REVOKED"], description: null, enabled: false });
      const [audit] = await sut.app.dataSource.query("SELECT changes FROM audit_events WHERE target_id = $1 AND action = 'WEBHOOK_ENDPOINT_UPDATED'", [endpoint.id]);
      expect(Object.keys(audit.changes).sort()).toEqual(["description", "enabled", "events", "url"]);
    });

    it("refuses a URL that is not http(s), carries credentials, or is a refused literal address", async () => {
      const tenant = await createTenant(sut.root);
      for (const url of ["ftp://example.com/hook", "https://user:pass@example.com/hook", "not a url", "https://10.0.0.1/hook", "https://169.254.169.254/latest", "https://[::1]/hook"]) {
        const result = await tenant.admin.request(CREATE_ENDPOINT, { input: { url, events: ["KEY_CREATED"] } });
        expect({ url, code: result.errors?.[0].extensions?.code, field: result.errors?.[0].extensions?.field }).toEqual({ url, code: "BAD_USER_INPUT", field: "url" });
      }
      expect((await tenant.admin.request(LIST_ENDPOINTS, {})).data.webhookEndpoints.nodes).toEqual([]);
    });

    it("refuses an empty or unknown event list, and WEBHOOK_PING as a subscription", async () => {
      const tenant = await createTenant(sut.root);
      const create = (events: unknown) => tenant.admin.request(`mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`, { input: { url: receiver.url(), events } });
      expect((await create([])).errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
      expect((await create(["WEBHOOK_PING"])).errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "events[0]" });
      expect((await create(["NOT_AN_EVENT"])).errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    });

    it("needs keys:define to change endpoints, and keys:list to read them", async () => {
      const { tenant, endpoint } = await subscribedTenant();
      const reader = tenant.admin.as((await createKey(tenant.admin, { scopes: ["keys:list"] })).secret);
      expect((await reader.request(LIST_ENDPOINTS, {})).data.webhookEndpoints.nodes).toHaveLength(1);
      expect(await reader.code(DELETE_ENDPOINT, { input: { id: endpoint.id } })).toBe("FORBIDDEN");
      expect(await reader.code(ROTATE_SECRET, { input: { id: endpoint.id } })).toBe("FORBIDDEN");
      const outsider = tenant.admin.as((await createKey(tenant.admin, { scopes: ["keys:verify"] })).secret);
      expect(await outsider.code(LIST_ENDPOINTS, {})).toBe("FORBIDDEN");
    });

    it("deletes an endpoint with its deliveries", async () => {
      const { tenant, endpoint } = await subscribedTenant();
      await createKey(tenant.admin);
      expect((await tenant.admin.ok(DELETE_ENDPOINT, { input: { id: endpoint.id } })).deleteWebhookEndpoint.deletedId).toBe(endpoint.id);
      expect(await tenant.admin.code(LIST_DELIVERIES, { endpointId: endpoint.id })).toBe("NOT_FOUND");
      expect(await sut.app.dataSource.query("SELECT id FROM webhook_deliveries WHERE endpoint_id = $1", [endpoint.id])).toEqual([]);
      expect(await drain()).toBe(0);
    });
  });

  describe("events", () => {
    it("delivers each change of a key's life, signed, verified by the Standard Webhooks verifier", async () => {
      const { tenant, endpoint, received } = await subscribedTenant();
      const key = await createKey(tenant.admin, { name: "Lifecycle" });
      await tenant.admin.ok(UPDATE_KEY, { input: { id: key.id, description: "edited" } });
      await tenant.admin.ok(DISABLE_KEY, { input: { id: key.id } });
      await tenant.admin.ok(ENABLE_KEY, { input: { id: key.id } });
      const { regenerateApiKey } = await tenant.admin.ok(REGENERATE_KEY, { input: { id: key.id, gracePeriodSeconds: 0 } });
      await tenant.admin.ok(REVOKE_KEY, { input: { id: regenerateApiKey.apiKey.id } });
      expect(await drain()).toBe(6);

      const deliveries = received();
      expect(deliveries.map((delivery) => delivery.event.type)).toEqual(
        expect.arrayContaining(["KEY_CREATED", "KEY_UPDATED", "KEY_DISABLED", "KEY_ENABLED", "KEY_REGENERATED", "KEY_REVOKED"]),
      );
      for (const delivery of deliveries) {
        expect(verified(endpoint.secret, delivery)).toEqual(delivery.event);
        expect(delivery.headers["webhook-id"]).toMatch(/^[0-9a-f-]{36}$/);
        expect(delivery.body).not.toContain(key.secret);
        expect(delivery.body).not.toContain(regenerateApiKey.secret);
      }
      const byType = Object.fromEntries(deliveries.map((delivery) => [delivery.event.type, delivery.event.data]));
      expect(byType.KEY_CREATED).toEqual({
        tenantId: tenant.id,
        key: expect.objectContaining({ id: key.id, name: "Lifecycle", maskedKey: key.apiKey.maskedKey, status: "ACTIVE", enabled: true }),
      });
      expect(byType.KEY_DISABLED.key).toMatchObject({ status: "DISABLED", enabled: false });
      expect(byType.KEY_REGENERATED).toMatchObject({ key: { id: key.id, status: "REVOKED" }, successor: { id: regenerateApiKey.apiKey.id }, gracePeriodSeconds: 0 });
      expect(byType.KEY_REVOKED.key).toMatchObject({ id: regenerateApiKey.apiKey.id, status: "REVOKED" });
    });

    it("sends CREDITS_EXHAUSTED once, from the check that spends the last credit", async () => {
      const { tenant, endpoint, received } = await subscribedTenant(["CREDITS_EXHAUSTED"]);
      const backend = await backendOf(tenant);
      const key = await createKey(tenant.admin, { credits: { remaining: 2 } });
      const codes = [];
      for (let index = 0; index < 4; index++) codes.push((await restCheck(sut.app.url, backend.key, { key: key.secret })).code);
      expect(codes).toEqual(["VALID", "VALID", "USAGE_EXCEEDED", "USAGE_EXCEEDED"]);
      await drain();
      expect(received().map((delivery) => delivery.event.type)).toEqual(["CREDITS_EXHAUSTED"]);
      expect(verified(endpoint.secret, received()[0])).toMatchObject({ data: { key: { id: key.id, status: "ACTIVE" } } });
    });

    it("delivers only the types an endpoint subscribed to, and nothing to a disabled endpoint", async () => {
      const { tenant, endpoint, received } = await subscribedTenant(["KEY_REVOKED"]);
      const key = await createKey(tenant.admin);
      await tenant.admin.ok(REVOKE_KEY, { input: { id: key.id } });
      await drain();
      expect(received().map((delivery) => delivery.event.type)).toEqual(["KEY_REVOKED"]);
      await tenant.admin.ok(UPDATE_ENDPOINT, { input: { id: endpoint.id, enabled: false } });
      await tenant.admin.ok(REVOKE_KEY, { input: { id: (await createKey(tenant.admin)).id } });
      await drain();
      expect(received()).toHaveLength(1);
    });

    it("answers a ping with a WEBHOOK_PING delivered to that endpoint only", async () => {
      const { tenant, endpoint, received } = await subscribedTenant(["KEY_CREATED"]);
      const other = await createEndpoint(tenant.admin, { url: receiver.url("/other"), events: ["KEY_CREATED"] });
      const { pingWebhookEndpoint } = await tenant.admin.ok(PING_ENDPOINT, { input: { id: endpoint.id } });
      expect(pingWebhookEndpoint.delivery).toMatchObject({ endpointId: endpoint.id, eventType: "WEBHOOK_PING", status: "PENDING", attempts: 0 });
      await drain();
      expect(received().map((delivery) => [delivery.event.type, delivery.event.data.endpointId])).toEqual([["WEBHOOK_PING", endpoint.id]]);
      expect(verified(endpoint.secret, received()[0])).toBeTruthy();
      expect(await deliveriesOf(tenant.admin, other.id)).toEqual([]);
    });

    it("pings a disabled endpoint too (it is how one checks a receiver before enabling it), audited", async () => {
      const { tenant, endpoint, received } = await subscribedTenant(["KEY_CREATED"]);
      await tenant.admin.ok(UPDATE_ENDPOINT, { input: { id: endpoint.id, enabled: false } });
      const { pingWebhookEndpoint } = await tenant.admin.ok(PING_ENDPOINT, { input: { id: endpoint.id } });
      expect(pingWebhookEndpoint.delivery).toMatchObject({ eventType: "WEBHOOK_PING", status: "PENDING" });
      await drain();
      expect(received().map((delivery) => delivery.event.type)).toEqual(["WEBHOOK_PING"]);
      const audit = await sut.app.dataSource.query("SELECT action FROM audit_events WHERE target_id = $1 ORDER BY at", [endpoint.id]);
      expect(audit.map((row: { action: string }) => row.action)).toEqual(["WEBHOOK_ENDPOINT_CREATED", "WEBHOOK_ENDPOINT_UPDATED", "WEBHOOK_PINGED"]);
    });

    it("writes no event when the change it records rolls back", async () => {
      const { tenant, received } = await subscribedTenant();
      // A check that fails at COMMIT, after the key, its audit event and its outbox rows were written.
      await sut.app.dataSource.query(`
        CREATE OR REPLACE FUNCTION keysmith_test_refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'refused at commit by the test'; END $$`);
      await sut.app.dataSource.query(`
        CREATE CONSTRAINT TRIGGER keysmith_test_refuse_commit AFTER INSERT ON api_keys DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW WHEN (NEW.name = 'refused at commit') EXECUTE FUNCTION keysmith_test_refuse_commit()`);
      try {
        const result = await tenant.admin.request(`mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input: { name: "refused at commit" } });
        expect(result.errors).toHaveLength(1);
      } finally {
        await sut.app.dataSource.query("DROP TRIGGER keysmith_test_refuse_commit ON api_keys");
      }
      expect(await sut.app.dataSource.query("SELECT id FROM events WHERE tenant_id = $1", [tenant.id])).toEqual([]);
      expect(await sut.app.dataSource.query("SELECT id FROM webhook_deliveries WHERE tenant_id = $1", [tenant.id])).toEqual([]);
      expect(await sut.app.dataSource.query("SELECT id FROM api_keys WHERE tenant_id = $1 AND name = 'refused at commit'", [tenant.id])).toEqual([]);
      await drain();
      expect(received()).toEqual([]);
    });
  });

  describe("retries", () => {
    it("retries a failing delivery on the schedule with the same webhook-id, and logs every attempt", async () => {
      const { tenant, endpoint, received } = await subscribedTenant(["KEY_CREATED"]);
      receiver.answerWith(500, 503, 500);
      await createKey(tenant.admin);
      const attemptsBy = async (afterMs: number) => {
        offsetMs = afterMs;
        await drain();
        return received().length;
      };
      expect(await attemptsBy(0)).toBe(1);
      expect(await attemptsBy(5 * SECOND - 100)).toBe(1);
      expect(await attemptsBy(5 * SECOND + 100)).toBe(2);
      expect(await attemptsBy(5 * SECOND + 30 * SECOND)).toBe(2);
      expect(await attemptsBy(5 * SECOND + 30 * SECOND + 200)).toBe(3);
      expect(await attemptsBy(5 * SECOND + 30 * SECOND + 2 * MINUTE + 300)).toBe(4);

      const ids = new Set(received().map((delivery) => delivery.headers["webhook-id"]));
      expect(ids.size).toBe(1);
      for (const delivery of received()) expect(verified(endpoint.secret, delivery)).toMatchObject({ type: "KEY_CREATED" });
      const [delivery] = await deliveriesOf(tenant.admin, endpoint.id);
      expect(delivery).toMatchObject({ status: "DELIVERED", attempts: 4, lastStatusCode: 200, lastError: null, eventId: [...ids][0] });
      expect(delivery.attemptLog.map((attempt: { statusCode: number }) => attempt.statusCode)).toEqual([500, 503, 500, 200]);
    });

    it("gives up 24 hours after the event, having tried every 2 hours after the first hour", async () => {
      const { tenant, endpoint, received } = await subscribedTenant(["KEY_CREATED"]);
      receiver.answerWith(...Array.from({ length: 40 }, () => 500));
      await createKey(tenant.admin);
      await drain();
      for (;;) {
        const [pending] = await deliveriesOf(tenant.admin, endpoint.id);
        if (pending.status !== "PENDING") break;
        offsetMs = Date.parse(pending.nextAttemptAt) - base + 10;
        await drain();
      }
      const [delivery] = await deliveriesOf(tenant.admin, endpoint.id);
      // At once, then after 5 s, 30 s, 2 min, 10 min and 1 h (the sixth, at 1 h 12 min 35 s), then
      // every 2 h while within 24 h of the event: eleven more, the last at 23 h 12 min 35 s.
      expect(delivery).toMatchObject({ status: "FAILED", attempts: 17, nextAttemptAt: null, lastStatusCode: 500 });
      expect(received()).toHaveLength(17);
      const gaps = delivery.attemptLog.slice(1).map((attempt: { at: string }, index: number) => Date.parse(attempt.at) - Date.parse(delivery.attemptLog[index].at));
      expect(gaps.slice(0, 5).map((gap: number) => Math.round(gap / SECOND))).toEqual([5, 30, 120, 600, 3600]);
      expect(gaps.slice(5).every((gap: number) => Math.round(gap / SECOND) === 7200)).toBe(true);
      expect(Date.parse(delivery.lastAttemptAt) - Date.parse(delivery.createdAt)).toBeLessThanOrEqual(DAY);
      expect(gaps.every((gap: number) => gap % SECOND < 100)).toBe(true);
    });

    it("attempts again what a crashed worker claimed, once its lease has run out", async () => {
      const { tenant, received } = await subscribedTenant(["KEY_CREATED"]);
      await createKey(tenant.admin);
      // As if another instance claimed it and died before recording an attempt.
      await sut.app.dataSource.query("UPDATE webhook_deliveries SET lease_owner = 'crashed', lease_expires_at = $2 WHERE tenant_id = $1", [tenant.id, new Date(base + MINUTE)]);
      await drain();
      expect(received()).toEqual([]);
      offsetMs = MINUTE + SECOND;
      await drain();
      expect(received().map((delivery) => delivery.event.type)).toEqual(["KEY_CREATED"]);
    });

    it("counts no answer as a failure and says why", async () => {
      const { tenant, endpoint } = await subscribedTenant(["KEY_CREATED"]);
      await tenant.admin.ok(UPDATE_ENDPOINT, { input: { id: endpoint.id, url: "http://127.0.0.1:9/closed" } });
      await createKey(tenant.admin);
      await drain();
      const [delivery] = await deliveriesOf(tenant.admin, endpoint.id);
      expect(delivery).toMatchObject({ status: "PENDING", attempts: 1, lastStatusCode: null, lastError: expect.stringContaining("ECONNREFUSED") });
    });

    it("does not follow redirects", async () => {
      const { tenant, endpoint, received } = await subscribedTenant(["KEY_CREATED"]);
      receiver.answerWith(307);
      await createKey(tenant.admin);
      await drain();
      expect(received()).toHaveLength(1);
      const [delivery] = await deliveriesOf(tenant.admin, endpoint.id);
      expect(delivery).toMatchObject({ status: "PENDING", lastStatusCode: 307, lastError: expect.stringContaining("redirects are not followed") });
    });

    it("redelivers a delivery as a new one with the same webhook-id", async () => {
      const { tenant, endpoint, received } = await subscribedTenant(["KEY_CREATED"]);
      await createKey(tenant.admin);
      await drain();
      const [first] = await deliveriesOf(tenant.admin, endpoint.id);
      const { redeliverWebhook } = await tenant.admin.ok(REDELIVER, { input: { deliveryId: first.id } });
      expect(redeliverWebhook.delivery).toMatchObject({ eventId: first.eventId, status: "PENDING", attempts: 0 });
      expect(redeliverWebhook.delivery.id).not.toBe(first.id);
      await drain();
      expect(received().map((delivery) => delivery.headers["webhook-id"])).toEqual([first.eventId, first.eventId]);
    });
  });

  describe("secret rotation", () => {
    it("signs with the old and the new secret for 24 hours, then with the new one only", async () => {
      const { tenant, endpoint, received } = await subscribedTenant(["KEY_CREATED"]);
      const { rotateWebhookSecret } = await tenant.admin.ok(ROTATE_SECRET, { input: { id: endpoint.id } });
      const rotated = rotateWebhookSecret.secret;
      expect(rotated).not.toBe(endpoint.secret);
      expect(Date.parse(rotateWebhookSecret.endpoint.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(DAY - MINUTE);
      await tenant.admin.ok(PING_ENDPOINT, { input: { id: endpoint.id } });
      await drain();
      const [during] = received();
      expect(during.headers["webhook-signature"].split(" ")).toHaveLength(2);
      expect(verified(endpoint.secret, during)).toBeTruthy();
      expect(verified(rotated, during)).toBeTruthy();

      offsetMs = DAY + MINUTE;
      await tenant.admin.ok(PING_ENDPOINT, { input: { id: endpoint.id } });
      await drain();
      const after = received()[1];
      expect(after.headers["webhook-signature"].split(" ")).toHaveLength(1);
      expect(verified(rotated, after)).toBeTruthy();
      expect(() => verified(endpoint.secret, after)).toThrow();
    });
  });

  describe("the scheduled scan", () => {
    it("sends KEY_EXPIRING_SOON once per key, the tenant's expiringSoonDays before its expiry, and KEY_EXPIRED once", async () => {
      const { tenant, endpoint, received } = await subscribedTenant(["KEY_EXPIRING_SOON", "KEY_EXPIRED"]);
      const soon = await createKey(tenant.admin, { expiresAt: new Date(Date.now() + 10 * DAY).toISOString() });
      const later = await createKey(tenant.admin, { expiresAt: new Date(Date.now() + 60 * DAY).toISOString() });
      await scan();
      await scan();
      await drain();
      expect(received().map((delivery) => [delivery.event.type, delivery.event.data.key.id])).toEqual([["KEY_EXPIRING_SOON", soon.id]]);
      expect(verified(endpoint.secret, received()[0])).toMatchObject({ data: { key: { status: "ACTIVE", expiresAt: soon.apiKey.expiresAt } } });

      offsetMs = 31 * DAY;
      await scan();
      await drain();
      const told = received().map((delivery) => [delivery.event.type, delivery.event.data.key.id]);
      expect([told[0], ...sortedPairs(told.slice(1))]).toEqual([
        ["KEY_EXPIRING_SOON", soon.id],
        ...sortedPairs([
          ["KEY_EXPIRED", soon.id],
          ["KEY_EXPIRING_SOON", later.id],
        ]),
      ]);
      offsetMs = 61 * DAY;
      await scan();
      await scan();
      await drain();
      expect(received().filter((delivery) => delivery.event.type === "KEY_EXPIRED").map((delivery) => delivery.event.data.key.id)).toEqual([soon.id, later.id]);
      expect(received()).toHaveLength(4);
    });

    it("tells of a moved expiry again", async () => {
      const { tenant, received } = await subscribedTenant(["KEY_EXPIRING_SOON"]);
      const key = await createKey(tenant.admin, { expiresAt: new Date(Date.now() + 5 * DAY).toISOString() });
      await scan();
      await tenant.admin.ok(UPDATE_KEY, { input: { id: key.id, expiresAt: new Date(Date.now() + 20 * DAY).toISOString() } });
      await scan();
      await drain();
      expect(received().map((delivery) => delivery.event.type)).toEqual(["KEY_EXPIRING_SOON", "KEY_EXPIRING_SOON"]);
    });

    it("sends KEY_REVOKED when a regenerated key's grace period ends, once, and not again for a key revoked by hand", async () => {
      const { tenant, received } = await subscribedTenant(["KEY_REVOKED", "KEY_EXPIRED"]);
      const key = await createKey(tenant.admin);
      await tenant.admin.ok(REGENERATE_KEY, { input: { id: key.id, gracePeriodSeconds: 3_600 } });
      const revokedByHand = await createKey(tenant.admin);
      await tenant.admin.ok(REVOKE_KEY, { input: { id: revokedByHand.id } });
      await scan();
      await drain();
      expect(received().map((delivery) => delivery.event.data.key.id)).toEqual([revokedByHand.id]);
      offsetMs = HOUR + MINUTE;
      await scan();
      await scan();
      await drain();
      expect(received().map((delivery) => [delivery.event.type, delivery.event.data.key.id, delivery.event.data.key.status])).toEqual([
        ["KEY_REVOKED", revokedByHand.id, "REVOKED"],
        ["KEY_REVOKED", key.id, "REVOKED"],
      ]);
    });

    it("tells nothing of a key revoked before it expired", async () => {
      const { tenant, received } = await subscribedTenant(["KEY_EXPIRING_SOON", "KEY_EXPIRED"]);
      const key = await createKey(tenant.admin, { expiresAt: new Date(Date.now() + 2 * DAY).toISOString() });
      await tenant.admin.ok(REVOKE_KEY, { input: { id: key.id } });
      offsetMs = 3 * DAY;
      await scan();
      await drain();
      expect(received()).toEqual([]);
    });
  });

  describe("retention", () => {
    it("forgets events, with their deliveries and attempts, after EVENT_RETENTION_DAYS", async () => {
      const { tenant, endpoint } = await subscribedTenant(["KEY_CREATED"]);
      await createKey(tenant.admin);
      await drain();
      offsetMs = (sut.app.services.eventRetention.retentionDays - 1) * DAY;
      await sut.app.services.eventRetention.prune();
      expect(await deliveriesOf(tenant.admin, endpoint.id)).toHaveLength(1);
      offsetMs = (sut.app.services.eventRetention.retentionDays + 1) * DAY;
      expect(await sut.app.services.eventRetention.prune()).toBeGreaterThanOrEqual(1);
      expect(await deliveriesOf(tenant.admin, endpoint.id)).toEqual([]);
      expect(await sut.app.dataSource.query("SELECT count(*)::int AS count FROM events WHERE tenant_id = $1", [tenant.id])).toEqual([{ count: 0 }]);
    });
  });

  describe("tenant isolation", () => {
    let owner: Awaited<ReturnType<typeof subscribedTenant>>;
    let other: TenantFixture;
    let deliveryId: string;
    beforeEach(async () => {
      owner = await subscribedTenant(["KEY_CREATED"]);
      other = await createTenant(sut.root);
      await createKey(owner.tenant.admin);
      deliveryId = (await deliveriesOf(owner.tenant.admin, owner.endpoint.id))[0].id;
    });

    it("shows another tenant none of the endpoints or deliveries, and answers NOT_FOUND for them", async () => {
      expect((await other.admin.ok(LIST_ENDPOINTS, {})).webhookEndpoints.nodes).toEqual([]);
      expect(await other.admin.code(LIST_DELIVERIES, { endpointId: owner.endpoint.id })).toBe("NOT_FOUND");
      expect(await other.admin.code(UPDATE_ENDPOINT, { input: { id: owner.endpoint.id, enabled: false } })).toBe("NOT_FOUND");
      expect(await other.admin.code(DELETE_ENDPOINT, { input: { id: owner.endpoint.id } })).toBe("NOT_FOUND");
      expect(await other.admin.code(ROTATE_SECRET, { input: { id: owner.endpoint.id } })).toBe("NOT_FOUND");
      expect(await other.admin.code(PING_ENDPOINT, { input: { id: owner.endpoint.id } })).toBe("NOT_FOUND");
      expect(await other.admin.code(REDELIVER, { input: { deliveryId } })).toBe("NOT_FOUND");
      const [endpoint] = (await owner.tenant.admin.ok(LIST_ENDPOINTS, {})).webhookEndpoints.nodes;
      expect(endpoint).toEqual(owner.endpoint.endpoint);
    });

    it("never delivers one tenant's events to another's endpoint", async () => {
      await createKey(other.admin);
      await drain();
      expect(receiver.received.map((delivery) => delivery.event.data.tenantId)).toEqual([owner.tenant.id]);
    });

    it("lets root act on any tenant's endpoint by id", async () => {
      const { webhookDeliveries } = await sut.root.ok(LIST_DELIVERIES, { endpointId: owner.endpoint.id });
      expect(webhookDeliveries.nodes.map((delivery: { id: string }) => delivery.id)).toEqual([deliveryId]);
      expect(await sut.root.code(ROTATE_SECRET, { input: { id: owner.endpoint.id, tenantId: other.id } })).toBe("NOT_FOUND");
    });
  });
});

describe("webhooks under the outbound rules", () => {
  let database: ServerDatabase;
  let sut: TestApp;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    database = await unsharedDatabase();
    receiver = await startWebhookReceiver();
    // OUTBOUND_ALLOW opens one private range, not loopback: http is accepted, 127.0.0.1 is not.
    sut = await startTestApp({ database: database.target, config: { outboundAllow: ["10.99.0.0/16"] }, events: { manual: true } });
  });
  afterAll(async () => {
    await sut?.close();
    await receiver?.close();
    await database?.drop();
  });

  it("refuses loopback literals outside OUTBOUND_ALLOW", async () => {
    const tenant = await createTenant(sut.root);
    const create = (url: string) => tenant.admin.request(`mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`, { input: { url, events: ["KEY_CREATED"] } });
    expect((await create(receiver.url())).errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "url" });
    expect((await create(`https://127.0.0.1:${receiver.port}/hooks`)).errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "url" });
    expect((await create(`http://[::ffff:127.0.0.1]:${receiver.port}/hooks`)).errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "url" });
  });

  it("delivers nothing to a host name that resolves to loopback: the address is checked at connect time", async () => {
    const tenant = await createTenant(sut.root);
    // http to the listening receiver: were the name let through, the receiver would get the delivery.
    const endpoint = await createEndpoint(tenant.admin, { url: `http://localhost:${receiver.port}/hooks`, events: ["KEY_CREATED"] });
    await createKey(tenant.admin);
    await sut.app.services.deliveries.drain();
    expect(receiver.received).toEqual([]);
    const [delivery] = await deliveriesOf(tenant.admin, endpoint.id);
    expect(delivery).toMatchObject({ status: "PENDING", attempts: 1, lastStatusCode: null, lastError: expect.stringContaining("refused by the outbound policy") });
    expect(delivery.lastError).not.toMatch(/127\.0\.0\.1|::1/);
  });
});
