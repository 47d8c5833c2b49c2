import { DEFAULT_RATE_LIMITS } from "../../src/check/rate-limits";
import { unknownKey } from "../support/forged-keys";
import { createTenant, type TenantFixture } from "../support/factories";
import { createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";
import { CHECK, backendOf } from "../support/checks";
import { requireRedis } from "../support/local-services";

const ME = `{ me { keyId } }`;
const PRODUCTION_BUDGETS = DEFAULT_RATE_LIMITS;

const wrongKey = (index: number) => unknownKey(index);

describe("rate limits", () => {
  let sut: TestApp;
  let tenant: TenantFixture;
  beforeAll(async () => {
    sut = await startTestApp({ config: { trustedProxies: ["127.0.0.1", "::1"] }, rateLimits: PRODUCTION_BUDGETS });
    tenant = await createTenant(sut.root);
  });
  afterAll(() => sut.close());

  const from = (address: string) => ({ "x-forwarded-for": address });

  it("cuts off 1,000 wrong keys from one address with RATE_LIMITED, while valid keys keep working", async () => {
    const attacker = "198.51.100.7";
    const known = await createKey(tenant.admin, { scopes: ["keys:list"] });
    await sut.client.request(ME, {}, { authorization: `Bearer ${known.secret}`, ...from(attacker) });
    const honest = await createKey(tenant.admin, { scopes: ["keys:list"] });

    const statuses: Record<string, number> = {};
    for (let attempt = 0; attempt < 1000; attempt++) {
      const result = await sut.client.request(ME, {}, { authorization: `Bearer ${wrongKey(attempt)}`, ...from(attacker) });
      const code = String(result.errors?.[0].extensions?.code);
      statuses[`${result.status} ${code}`] = (statuses[`${result.status} ${code}`] ?? 0) + 1;
      if (attempt % 100 === 0) {
        const other = await sut.client.request(ME, {}, { authorization: `Bearer ${honest.secret}`, ...from("203.0.113.5") });
        expect(other.data?.me.keyId).toBe(honest.id);
      }
    }
    expect(statuses).toEqual({ "401 UNAUTHENTICATED": 30, "429 RATE_LIMITED": 970 });
    const stillKnown = await sut.client.request(ME, {}, { authorization: `Bearer ${known.secret}`, ...from(attacker) });
    expect(stillKnown.data?.me.keyId).toBe(known.id);
  });

  it("throttles failed checks per caller and client address, never the caller's other users", async () => {
    const backend = await backendOf(tenant);
    const valid = await createKey(tenant.admin);
    await backend.ok(CHECK, { input: { key: valid.secret, clientIp: "192.0.2.10" } });
    const codes: string[] = [];
    for (let attempt = 0; attempt < 150; attempt++) {
      const result = await backend.request(CHECK, { input: { key: wrongKey(attempt), clientIp: "192.0.2.10" } });
      codes.push(result.errors ? `error ${result.errors[0].extensions?.code}` : result.data.checkKey.code);
    }
    expect(codes.filter((code) => code === "NOT_FOUND")).toHaveLength(100);
    expect(codes.slice(100).every((code) => code === "error RATE_LIMITED")).toBe(true);
    expect((await backend.ok(CHECK, { input: { key: wrongKey(999), clientIp: "192.0.2.11" } })).checkKey.code).toBe("NOT_FOUND");
    expect((await backend.ok(CHECK, { input: { key: valid.secret, clientIp: "192.0.2.10" } })).checkKey.code).toBe("VALID");
  });

  it("applies a key's own rate limit, reporting what remains; refused checks spend nothing", async () => {
    const backend = await backendOf(tenant);
    const key = await createKey(tenant.admin, { scopes: ["example:read"], rateLimit: { limit: 3, windowSeconds: 60 } });
    const check = async (scopes: string[]) => (await backend.ok(CHECK, { input: { key: key.secret, scopes } })).checkKey;
    expect((await check(["example:CreateItem"])).code).toBe("FORBIDDEN");
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await check(["example:ListItems"]));
    expect(answers.map((answer) => [answer.code, answer.rateLimit.remaining])).toEqual([
      ["VALID", 2],
      ["VALID", 1],
      ["VALID", 0],
      ["RATE_LIMITED", 0],
    ]);
    expect(answers[3]).toMatchObject({ valid: true, allowed: false, rateLimit: { limit: 3 } });
    expect(new Date(answers[3].rateLimit.resetAt).getTime()).toBeGreaterThan(Date.now());
  });
});

describe("a key's rate limit across two instances sharing Redis", () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    const redisUrl = await requireRedis();
    first = await startTestApp({ config: { redisUrl } });
    second = await startTestApp({ config: { redisUrl } });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it("holds the limit whichever instance answers", async () => {
    const tenant = await createTenant(first.root);
    const verifier = (await backendOf(tenant)).key;
    const key = await createKey(tenant.admin, { rateLimit: { limit: 4, windowSeconds: 60 } });
    const instances = [first.client.as(verifier), second.client.as(verifier)];
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await instances[i % 2].ok(CHECK, { input: { key: key.secret } })).checkKey.code);
    expect(codes).toEqual(["VALID", "VALID", "VALID", "VALID", "RATE_LIMITED", "RATE_LIMITED"]);
  });
});
