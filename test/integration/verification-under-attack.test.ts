import { randomBytes } from "node:crypto";
import { DEFAULT_RATE_LIMITS } from "../../src/check/rate-limits";
import { DEFAULT_VERIFIED_KEYS } from "../../src/check/verified-keys";
import { CHECK, backendOf, checkKey } from "../support/checks";
import { createTenant, type TenantFixture } from "../support/factories";
import { forgedFor } from "../support/forged-keys";
import { createKey } from "../support/key-operations";
import { graphqlFrom } from "../support/local-address";
import { requireRedis } from "../support/local-services";
import { type TestApp, startTestApp } from "../support/test-app";

const ME = `{ me { keyId } }`;
const HONEST_ADDRESS = "127.0.0.1";

/** Waits (without a fixed sleep) until the condition holds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe("verification under attack", () => {
  let sut: TestApp;
  let tenant: TenantFixture;
  let now = Date.now();

  beforeAll(async () => {
    sut = await startTestApp({ rateLimits: DEFAULT_RATE_LIMITS, verifiedKeys: { ...DEFAULT_VERIFIED_KEYS, now: () => now } });
    tenant = await createTenant(sut.root);
  });
  afterAll(() => sut.close());

  const graphqlUrl = () => `${sut.app.url}/graphql`;
  const presentFrom = (address: string, key: string) => graphqlFrom(address, graphqlUrl(), ME, {}, { authorization: `Bearer ${key}` });

  /** Sends the forgeries as credentials, each address in turn, and tallies the answers and the bcrypt they cost. */
  async function flood(victimKey: string, addresses: string[], total: number) {
    const statuses: Record<number, number> = {};
    const comparesWhenRefused: number[] = [];
    for (let index = 0; index < total; index++) {
      const response = await presentFrom(addresses[index % addresses.length], forgedFor(victimKey));
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status === 429) {
        expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
        comparesWhenRefused.push(sut.app.requestWork(String(response.headers["x-request-id"]))!.bcryptCompares);
      }
    }
    return { statuses, comparesWhenRefused };
  }

  /** The victim's key still answers VALID to its tenant's backend and still authenticates its holder. */
  async function expectUnharmed(victim: { id: string; secret: string }) {
    const backend = await backendOf(tenant);
    expect(await checkKey(backend, { key: victim.secret })).toMatchObject({ code: "VALID", keyId: victim.id });
    const own = await presentFrom(HONEST_ADDRESS, victim.secret);
    expect(own.status).toBe(200);
    expect(own.body.data.me.keyId).toBe(victim.id);
  }

  it("a key never checked before survives 1,000 forged keys naming its lookup id from one address", async () => {
    const victim = await createKey(tenant.admin, { scopes: ["keys:list"] });
    const { statuses, comparesWhenRefused } = await flood(victim.secret, ["127.0.0.2"], 1_000);
    expect(statuses).toEqual({ 401: DEFAULT_RATE_LIMITS.failedAuthPerMinute, 429: 1_000 - DEFAULT_RATE_LIMITS.failedAuthPerMinute });
    // A sender over its budget is refused before any bcrypt.
    expect(comparesWhenRefused.every((compares) => compares === 0)).toBe(true);
    await expectUnharmed(victim);
  });

  it("a key never checked before survives 1,000 forged keys naming its lookup id from 50 addresses", async () => {
    const victim = await createKey(tenant.admin, { scopes: ["keys:list"] });
    const addresses = Array.from({ length: 50 }, (_, index) => `127.0.0.${10 + index}`);
    const { statuses } = await flood(victim.secret, addresses, 1_000);
    expect(statuses).toEqual({ 401: 1_000 });
    await expectUnharmed(victim);
  });

  it("a key whose verified entry has expired survives the same flood", async () => {
    const victim = await createKey(tenant.admin, { scopes: ["keys:list"] });
    await expectUnharmed(victim);
    now += DEFAULT_VERIFIED_KEYS.idleTtlMs + 1;
    const { statuses } = await flood(victim.secret, ["127.0.0.3"], 1_000);
    expect(statuses[429]).toBe(1_000 - DEFAULT_RATE_LIMITS.failedAuthPerMinute);
    const backend = await backendOf(tenant);
    await backend.ok(ME);
    const answer = await backend.request(CHECK, { input: { key: victim.secret } });
    expect(answer.data.checkKey.code).toBe("VALID");
    expect(sut.app.requestWork(answer.requestId!)!.bcryptCompares).toBe(1);
    await expectUnharmed(victim);
  });

  it("never refuses a key already verified, whatever its sender's failures", async () => {
    const victim = await createKey(tenant.admin, { scopes: ["keys:list"] });
    await expectUnharmed(victim);
    await flood(victim.secret, ["127.0.0.4"], 100);
    const own = await presentFrom("127.0.0.4", victim.secret);
    expect(own.status).toBe(200);
    expect(own.body.data.me.keyId).toBe(victim.id);
  });
});

describe("a caller over its budget of failed compares", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp({ rateLimits: { ...DEFAULT_RATE_LIMITS, failedComparesPerMinute: 5 } });
  });
  afterAll(() => sut.close());

  it("is refused with RATE_LIMITED (429, Retry-After) before any bcrypt, whatever clientIp it names; others are not", async () => {
    const tenant = await createTenant(sut.root);
    const victim = await createKey(tenant.admin);
    const attacker = await backendOf(tenant);
    const answers = [];
    for (let index = 0; index < 20; index++) {
      answers.push(await attacker.request(CHECK, { input: { key: forgedFor(victim.secret), clientIp: `192.0.2.${index}` } }));
    }
    expect(answers.slice(0, 5).map((answer) => answer.data.checkKey.code)).toEqual(Array(5).fill("NOT_FOUND"));
    for (const refused of answers.slice(5)) {
      expect(refused.status).toBe(429);
      expect(refused.errors?.[0].extensions?.code).toBe("RATE_LIMITED");
      expect(sut.app.requestWork(refused.requestId!)!.bcryptCompares).toBe(0);
    }
    const honest = await backendOf(tenant);
    expect((await checkKey(honest, { key: victim.secret })).code).toBe("VALID");
  });
});

describe("bcrypt shared fairly between tenants", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp({ scheduler: { slots: 2, maxQueuedPerSender: 256 } });
  });
  afterAll(() => sut.close());

  it("serves another tenant's first check before a flooding tenant's queued compares", async () => {
    const flooder = await createTenant(sut.root);
    const other = await createTenant(sut.root);
    const [victims, verifyKeys] = await Promise.all([
      Promise.all(Array.from({ length: 30 }, () => createKey(flooder.admin))),
      Promise.all(Array.from({ length: 10 }, () => backendOf(flooder))),
    ]);
    const otherKey = await createKey(other.admin);
    const otherBackend = await backendOf(other);
    await Promise.all([otherBackend, ...verifyKeys].map((backend) => backend.ok(ME)));

    // Both bcrypt slots are held until the queue is built, so the order of service is exact however busy the machine.
    const { scheduler } = sut.app.services;
    let release!: () => void;
    const held = new Promise<boolean>((resolve) => (release = () => resolve(true)));
    const holders = [1, 2].map(() => scheduler.run({ shareClass: "(test)", id: "holder" }, () => held));
    const dispatched: string[] = [];
    scheduler.onDispatch(({ sender }) => dispatched.push(sender.shareClass));

    const floodSize = verifyKeys.length * victims.length;
    const flood = verifyKeys.flatMap((backend) =>
      victims.map((victim) => backend.request(CHECK, { input: { key: forgedFor(victim.secret), clientIp: `10.${randomBytes(3).join(".")}` } })),
    );
    await until(() => scheduler.waiting === floodSize);
    const othersCheck = checkKey(otherBackend, { key: otherKey.secret });
    await until(() => scheduler.waiting === floodSize + 1);
    release();
    await Promise.all(holders);

    expect((await othersCheck).code).toBe("VALID");
    // Tenants take turns: with both slots freed, the flooder's first queued compare and then the other tenant's.
    expect(dispatched.indexOf(other.id)).toBe(1);
    const answers = await Promise.all(flood);
    expect(answers.every((answer) => answer.data.checkKey.code === "NOT_FOUND")).toBe(true);
    expect(dispatched.filter((shareClass) => shareClass === flooder.id)).toHaveLength(floodSize);
  });
});

describe("verified keys shared through Redis", () => {
  const prefix = `keysmith-test-${randomBytes(4).toString("hex")}`;
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  async function instance(config: { secretKey?: string }): Promise<TestApp> {
    const app = await startTestApp({ config: { redisUrl: await requireRedis(), redisPrefix: prefix, ...config } });
    apps.push(app);
    return app;
  }

  it("with SECRET_KEY, lets a second instance check a key the first verified with no bcrypt", async () => {
    const secretKey = randomBytes(32).toString("base64");
    const first = await instance({ secretKey });
    const second = await instance({ secretKey });
    const tenant = await createTenant(first.root);
    const key = await createKey(tenant.admin);
    const backendKey = (await backendOf(tenant)).key;
    await Promise.all([first, second].map((app) => app.client.as(backendKey).ok(ME)));
    const onFirst = await first.client.as(backendKey).request(CHECK, { input: { key: key.secret } });
    expect(onFirst.data.checkKey.code).toBe("VALID");
    const onSecond = await second.client.as(backendKey).request(CHECK, { input: { key: key.secret } });
    expect(onSecond.data.checkKey.code).toBe("VALID");
    expect(second.app.requestWork(onSecond.requestId!)!.bcryptCompares).toBe(0);
    expect(second.app.services.verifier.counters.sharedHits).toBeGreaterThan(0);
  });

  it("without SECRET_KEY, shares nothing: each instance proves a key with bcrypt", async () => {
    const first = await instance({});
    const second = await instance({});
    const tenant = await createTenant(first.root);
    const key = await createKey(tenant.admin);
    const backendKey = (await backendOf(tenant)).key;
    await Promise.all([first, second].map((app) => app.client.as(backendKey).ok(ME)));
    await first.client.as(backendKey).ok(CHECK, { input: { key: key.secret } });
    const onSecond = await second.client.as(backendKey).request(CHECK, { input: { key: key.secret } });
    expect(onSecond.data.checkKey.code).toBe("VALID");
    expect(second.app.requestWork(onSecond.requestId!)!.bcryptCompares).toBe(1);
  });
});
