import { randomBytes } from "node:crypto";
import { backendOf } from "../support/checks";
import { createTenant, type TenantFixture } from "../support/factories";
import { createIdentity } from "../support/identity-operations";
import { createKey } from "../support/key-operations";
import { type ServerDatabase, requireRedis, serverDatabase } from "../support/local-services";
import { countCodes, restCheck } from "../support/rest-checks";
import { type TestApp, startTestApp } from "../support/test-app";

/**
 * Two instances on one PostgreSQL sharing one Redis, as behind a load balancer: an identity's
 * limits and a key's credits hold across them. (The embedded database serves one process.)
 */
describe("named limits and credits across two instances", () => {
  let database: ServerDatabase;
  let first: TestApp;
  let second: TestApp;
  let tenant: TenantFixture;
  let backendKey: string;

  beforeAll(async () => {
    database = await serverDatabase();
    const shared = { redisUrl: await requireRedis(), redisPrefix: `keysmith-test-${randomBytes(4).toString("hex")}` };
    first = await startTestApp({ database: database.target, config: shared });
    second = await startTestApp({ database: database.target, config: shared });
    tenant = await createTenant(first.root);
    backendKey = (await backendOf(tenant)).key;
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it("shares an identity's limit between its keys checked on different instances", async () => {
    const identity = await createIdentity(tenant.admin, { rateLimits: [{ name: "requests", limit: 4, windowSeconds: 3_600 }] });
    const keys = [await createKey(tenant.admin, { identityId: identity.id }), await createKey(tenant.admin, { identityId: identity.id })];
    const codes = [];
    for (let index = 0; index < 6; index++) {
      const instance = index % 2 === 0 ? first : second;
      codes.push((await restCheck(instance.app.url, backendKey, { key: keys[Math.floor(index / 2) % 2].secret })).code);
    }
    expect(codes).toEqual(["VALID", "VALID", "VALID", "VALID", "RATE_LIMITED", "RATE_LIMITED"]);
  });

  it("spends exactly the credits a key holds when 300 checks race on two instances: 100 VALID", async () => {
    const key = await createKey(tenant.admin, { credits: { remaining: 100 } });
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, index) => restCheck((index % 2 === 0 ? first : second).app.url, backendKey, { key: key.secret })),
    );
    expect(countCodes(answers)).toEqual({ VALID: 100, USAGE_EXCEEDED: 200 });
    const [row] = await first.app.dataSource.query("SELECT credits_remaining FROM api_keys WHERE id = $1", [key.id]);
    expect(Number(row.credits_remaining)).toBe(0);
  });
});
