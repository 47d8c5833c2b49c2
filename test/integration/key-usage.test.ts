import { backendOf } from "../support/checks";
import { createTenant, type TenantFixture } from "../support/factories";
import { createKey } from "../support/key-operations";
import { restCheck } from "../support/rest-checks";
import { type TestApp, startTestApp } from "../support/test-app";

const HOUR_MS = 60 * 60 * 1000;

const KEY_USAGE = `query ($keyId: ID!, $since: DateTimeISO!, $until: DateTimeISO!, $granularity: UsageGranularity!) {
  keyUsage(keyId: $keyId, since: $since, until: $until, granularity: $granularity) { at total valid codes { code count } }
}`;
const TENANT_USAGE = `query ($since: DateTimeISO!, $until: DateTimeISO!, $granularity: UsageGranularity!) {
  tenantUsage(since: $since, until: $until, granularity: $granularity) { at total valid codes { code count } }
}`;

interface Bucket {
  at: string;
  total: number;
  valid: number;
  codes: Array<{ code: string; count: number }>;
}

describe("usage: checks per key per hour, by code", () => {
  let sut: TestApp;
  let tenant: TenantFixture;
  let backendKey: string;
  /** Checks are counted in the hour of this clock. */
  let now = Date.UTC(2026, 10, 30, 10, 15);
  beforeAll(async () => {
    sut = await startTestApp({ clock: () => now });
    tenant = await createTenant(sut.root);
    backendKey = (await backendOf(tenant)).key;
  });
  afterAll(() => sut.close());

  const check = (key: string, body: Record<string, unknown> = {}) => restCheck(sut.app.url, backendKey, { key, ...body });
  const range = (since: number, until: number, granularity: "HOUR" | "DAY") => ({ since: new Date(since).toISOString(), until: new Date(until).toISOString(), granularity });

  it("counts the checks made, by code and by hour, with empty hours in between", async () => {
    const key = await createKey(tenant.admin, { scopes: ["example:read"], rateLimits: [{ name: "requests", limit: 3, windowSeconds: 60 }] });
    now = Date.UTC(2026, 10, 30, 10, 15);
    await check(key.secret, { scopes: ["example:ListItems"] });
    await check(key.secret, { scopes: ["example:CreateItem"] });
    now = Date.UTC(2026, 10, 30, 12, 59);
    await check(key.secret);
    await check(key.secret);
    await check(key.secret);
    await sut.app.services.usage.flush();

    const { keyUsage } = await tenant.admin.ok<{ keyUsage: Bucket[] }>(KEY_USAGE, { keyId: key.id, ...range(Date.UTC(2026, 10, 30, 10), Date.UTC(2026, 10, 30, 13), "HOUR") });
    expect(keyUsage).toEqual([
      { at: "2026-11-30T10:00:00.000Z", total: 2, valid: 2, codes: [{ code: "FORBIDDEN", count: 1 }, { code: "VALID", count: 1 }] },
      { at: "2026-11-30T11:00:00.000Z", total: 0, valid: 0, codes: [] },
      { at: "2026-11-30T12:00:00.000Z", total: 3, valid: 3, codes: [{ code: "RATE_LIMITED", count: 1 }, { code: "VALID", count: 2 }] },
    ]);
  });

  it("sums a day's hours, and the tenant's keys together", async () => {
    const usageTenant = await createTenant(sut.root);
    const backend = (await backendOf(usageTenant)).key;
    const [a, b] = [await createKey(usageTenant.admin), await createKey(usageTenant.admin)];
    now = Date.UTC(2026, 10, 28, 1);
    await restCheck(sut.app.url, backend, { key: a.secret });
    now = Date.UTC(2026, 10, 28, 23);
    await restCheck(sut.app.url, backend, { key: b.secret });
    await restCheck(sut.app.url, backend, { key: b.secret, clientIp: "192.0.2.1" });
    now = Date.UTC(2026, 10, 29, 0, 30);
    await restCheck(sut.app.url, backend, { key: a.secret });
    await sut.app.services.usage.flush();

    const days = range(Date.UTC(2026, 10, 28), Date.UTC(2026, 10, 30), "DAY");
    const { tenantUsage } = await usageTenant.admin.ok<{ tenantUsage: Bucket[] }>(TENANT_USAGE, days);
    expect(tenantUsage.map(({ at, total, valid }) => ({ at, total, valid }))).toEqual([
      { at: "2026-11-28T00:00:00.000Z", total: 3, valid: 3 },
      { at: "2026-11-29T00:00:00.000Z", total: 1, valid: 1 },
    ]);
    const { keyUsage } = await usageTenant.admin.ok<{ keyUsage: Bucket[] }>(KEY_USAGE, { keyId: b.id, ...days });
    expect(keyUsage.map((bucket) => bucket.total)).toEqual([2, 0]);
  });

  it("counts refusals of authentic keys (REVOKED, IP_NOT_ALLOWED) but not keys that are not found", async () => {
    const usageTenant = await createTenant(sut.root);
    const backend = (await backendOf(usageTenant)).key;
    const fenced = await createKey(usageTenant.admin, { allowedCidrs: ["10.0.0.0/8"] });
    now = Date.UTC(2026, 10, 27, 9);
    await restCheck(sut.app.url, backend, { key: fenced.secret, clientIp: "192.0.2.9" });
    await restCheck(sut.app.url, backend, { key: "ks_garbage" });
    await sut.app.services.usage.flush();
    const { tenantUsage } = await usageTenant.admin.ok<{ tenantUsage: Bucket[] }>(TENANT_USAGE, range(Date.UTC(2026, 10, 27, 9), Date.UTC(2026, 10, 27, 10), "HOUR"));
    expect(tenantUsage).toEqual([{ at: "2026-11-27T09:00:00.000Z", total: 1, valid: 0, codes: [{ code: "IP_NOT_ALLOWED", count: 1 }] }]);
  });

  it("refuses a range backwards or too long for its granularity, naming the field", async () => {
    const key = await createKey(tenant.admin);
    const answer = await tenant.admin.request(KEY_USAGE, { keyId: key.id, ...range(Date.UTC(2026, 10, 2), Date.UTC(2026, 10, 1), "HOUR") });
    expect(answer.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "until" });
    const tooLong = await tenant.admin.request(KEY_USAGE, { keyId: key.id, ...range(Date.UTC(2026, 0, 1), Date.UTC(2026, 2, 1), "HOUR") });
    expect(tooLong.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "since" });
  });

  it("answers another tenant's key NOT_FOUND, and never counts another tenant's checks", async () => {
    const other = await createTenant(sut.root);
    const theirs = await createKey(other.admin);
    now = Date.UTC(2026, 10, 26, 5);
    await restCheck(sut.app.url, (await backendOf(other)).key, { key: theirs.secret });
    await sut.app.services.usage.flush();
    const hour = range(Date.UTC(2026, 10, 26, 5), Date.UTC(2026, 10, 26, 6), "HOUR");
    expect(await tenant.admin.code(KEY_USAGE, { keyId: theirs.id, ...hour })).toBe("NOT_FOUND");
    expect((await tenant.admin.ok<{ tenantUsage: Bucket[] }>(TENANT_USAGE, hour)).tenantUsage).toEqual([{ at: "2026-11-26T05:00:00.000Z", total: 0, valid: 0, codes: [] }]);
    expect((await other.admin.ok<{ tenantUsage: Bucket[] }>(TENANT_USAGE, hour)).tenantUsage[0].total).toBe(1);
  });

  it("does not count a key authenticating to Keysmith itself as a check", async () => {
    const usageTenant = await createTenant(sut.root);
    now = Date.UTC(2026, 10, 25, 8);
    await usageTenant.admin.ok("{ me { kind } }");
    await sut.app.services.usage.flush();
    const { tenantUsage } = await usageTenant.admin.ok<{ tenantUsage: Bucket[] }>(TENANT_USAGE, range(Date.UTC(2026, 10, 25, 8), Date.UTC(2026, 10, 25, 9), "HOUR"));
    expect(tenantUsage[0].total).toBe(0);
  });

  it("forgets counts older than the retention", async () => {
    const key = await createKey(tenant.admin);
    now = Date.UTC(2026, 10, 1, 0);
    await check(key.secret);
    await sut.app.services.usage.flush();
    const kept = () => sut.app.dataSource.query("SELECT count(*)::int AS n FROM key_verifications WHERE key_id = $1", [key.id]);
    expect((await kept())[0].n).toBe(1);
    now = Date.UTC(2026, 10, 1, 0) + sut.app.services.usageRetention.retentionDays * 24 * HOUR_MS + HOUR_MS;
    expect(await sut.app.services.usageRetention.prune()).toBeGreaterThanOrEqual(1);
    expect((await kept())[0].n).toBe(0);
  });
});
