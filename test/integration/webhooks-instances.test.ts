import { createTenant } from "../support/factories";
import { createKey } from "../support/key-operations";
import { type ServerDatabase, scratchDatabase } from "../support/local-services";
import { type TestApp, startTestApp } from "../support/test-app";
import { createEndpoint } from "../support/webhook-operations";
import { type WebhookReceiver, startWebhookReceiver } from "../support/webhook-receiver";

const EVENTS = 60;

/**
 * Two instances on one PostgreSQL, each with its own delivery worker polling and claiming, as
 * behind a load balancer: every event arrives, and no delivery is attempted by both. (A database
 * of the test's own: no other test file's workers claim these deliveries.)
 */
describe("webhook delivery across two instances", () => {
  let database: ServerDatabase;
  let instances: TestApp[];
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    database = await scratchDatabase();
    // A slow receiver keeps one worker's claims in flight while the other polls and claims the next.
    receiver = await startWebhookReceiver({ answerAfterMs: 100 });
    const options = { database: database.target, config: { outboundAllow: ["127.0.0.1/32"] }, events: { worker: { pollMs: 20, batchSize: 5 } } };
    instances = [await startTestApp(options), await startTestApp(options)];
  });
  afterAll(async () => {
    for (const instance of instances ?? []) await instance.close();
    await receiver?.close();
    await database?.drop();
  });

  it("delivers every event at least once, each attempt made by one instance", async () => {
    const tenant = await createTenant(instances[0].root);
    await createEndpoint(tenant.admin, { url: receiver.url(), events: ["KEY_CREATED"] });
    // Keys made on both instances: each wakes its own worker, and both poll for the other's.
    const admins = instances.map((instance) => instance.client.as(tenant.adminKey));
    await Promise.all(Array.from({ length: EVENTS }, (_, index) => createKey(admins[index % 2], { name: `key ${index}` })));

    const received = await receiver.waitFor(EVENTS);
    const ids = received.map((delivery) => delivery.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(EVENTS);
    expect(received.map((delivery) => delivery.event.data.key.name).sort()).toEqual(Array.from({ length: EVENTS }, (_, index) => `key ${index}`).sort());

    // An attempt is recorded once the receiver has answered: wait for the last records.
    const delivered = () => instances[0].app.dataSource.query("SELECT count(*)::int AS count FROM webhook_deliveries WHERE tenant_id = $1 AND status = 'DELIVERED'", [tenant.id]);
    while ((await delivered())[0].count < EVENTS) await new Promise((resolve) => setTimeout(resolve, 20));
    const attempts: Array<{ delivery_id: string; attempts: number; workers: string[] }> = await instances[0].app.dataSource.query(
      `SELECT d.id AS delivery_id, count(a.*)::int AS attempts, array_agg(a.worker) AS workers
         FROM webhook_deliveries d JOIN webhook_attempts a ON a.delivery_id = d.id
        WHERE d.tenant_id = $1 GROUP BY d.id`,
      [tenant.id],
    );
    expect(attempts).toHaveLength(EVENTS);
    expect(attempts.filter((row) => row.attempts !== 1)).toEqual([]);
    const workers = new Set(attempts.flatMap((row) => row.workers));
    expect([...workers].sort()).toEqual(instances.map((instance) => instance.app.services.deliveries.id).sort());
    expect(receiver.received).toHaveLength(EVENTS);
  });
});
