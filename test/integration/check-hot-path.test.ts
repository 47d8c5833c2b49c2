import type { DataSource } from "typeorm";
import { KeyStateStore } from "../../src/check/key-state-store";
import { withRequestWork } from "../../src/common/request-work";
import { parseKey } from "../../src/core/key-format";
import { unknownKey, withWrongSecret } from "../support/forged-keys";
import { createTenant, type TenantFixture } from "../support/factories";
import { REVOKE_KEY, createKey } from "../support/key-operations";
import { type TestApp, startTestApp } from "../support/test-app";
import { CHECK, backendOf } from "../support/checks";


describe("the checkKey hot path", () => {
  let sut: TestApp;
  let tenant: TenantFixture;
  let backend: TestApp["client"];

  beforeAll(async () => {
    sut = await startTestApp();
    tenant = await createTenant(sut.root);
    backend = await backendOf(tenant);
    await backend.ok(CHECK, { input: { key: "warm-up" } });
  });
  afterAll(() => sut.close());

  /**
   * Runs the checks, returning the codes and the database statements and bcrypt compares each
   * request caused (counted within the request itself: background work never lands in the count).
   */
  async function measure(keys: string[]) {
    const codes: string[] = [];
    let queries = 0;
    let compares = 0;
    for (const key of keys) {
      const result = await backend.request(CHECK, { input: { key, scopes: ["example:ListItems"] } });
      expect(result.errors).toBeUndefined();
      codes.push(result.data.checkKey.code);
      const work = sut.app.requestWork(result.requestId!)!;
      queries += work.queries;
      compares += work.bcryptCompares;
    }
    return { codes, queries, compares };
  }

  it("rejects malformed keys with no query and no bcrypt", async () => {
    const { codes, queries, compares } = await measure(["", "nonsense", `ks_${"a".repeat(50)}`, "x".repeat(5000)]);
    expect(codes).toEqual(["MALFORMED", "MALFORMED", "MALFORMED", "MALFORMED"]);
    expect([queries, compares]).toEqual([0, 0]);
  });

  it("remembers unknown lookup ids: a repeat costs no query and no bcrypt", async () => {
    const first = await measure([unknownKey(1)]);
    expect(first.codes).toEqual(["NOT_FOUND"]);
    expect(first.compares).toBe(0);
    const repeats = await measure(Array.from({ length: 20 }, () => unknownKey(1)));
    expect(repeats.codes.every((code) => code === "NOT_FOUND")).toBe(true);
    expect([repeats.queries, repeats.compares]).toEqual([0, 0]);
  });

  it("answers a warm check with no query and no bcrypt", async () => {
    const key = await createKey(tenant.admin, { scopes: ["example:read"] });
    const cold = await measure([key.secret]);
    expect(cold.codes).toEqual(["VALID"]);
    expect(cold.compares).toBe(1);
    const warm = await measure(Array.from({ length: 20 }, () => key.secret));
    expect(warm.codes.every((code) => code === "VALID")).toBe(true);
    expect([warm.queries, warm.compares]).toEqual([0, 0]);
  });

  it("runs one bcrypt compare for concurrent cold checks of one key", async () => {
    const key = await createKey(tenant.admin);
    const results = await Promise.all(Array.from({ length: 10 }, () => backend.request(CHECK, { input: { key: key.secret } })));
    expect(results.map((result) => result.data.checkKey.code)).toEqual(Array(10).fill("VALID"));
    const compares = results.map((result) => sut.app.requestWork(result.requestId!)!.bcryptCompares);
    expect(compares.reduce((sum, count) => sum + count, 0)).toBe(1);
  });

  it("compares every wrong secret (no budget per lookup id), and the real key keeps working", async () => {
    const key = await createKey(tenant.admin, { scopes: ["example:read"] });
    await measure([key.secret]);
    const guesses = Array.from({ length: 30 }, (_, index) => withWrongSecret(key.secret, index));
    expect(new Set(guesses).size).toBe(30);
    const attack = await measure(guesses);
    expect(attack.codes.every((code) => code === "NOT_FOUND")).toBe(true);
    expect(attack.compares).toBe(30);
    expect(await measure([key.secret])).toEqual({ codes: ["VALID"], queries: 0, compares: 0 });
  });

  it("never leaves a revoked key cached when the revocation races a cold check", async () => {
    for (let trial = 0; trial < 10; trial++) {
      const key = await createKey(tenant.admin);
      const [, revocation] = await Promise.all([
        backend.request(CHECK, { input: { key: key.secret } }),
        tenant.admin.request(REVOKE_KEY, { input: { id: key.id } }),
      ]);
      expect(revocation.errors).toBeUndefined();
      expect((await backend.ok(CHECK, { input: { key: key.secret } })).checkKey.code).toBe("REVOKED");
    }
  });
});

describe("KeyStateStore", () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startTestApp();
  });
  afterAll(() => sut.close());

  it("returns a state read before a concurrent invalidation once, and never caches it", async () => {
    const tenant = await createTenant(sut.root);
    const key = await createKey(tenant.admin);
    const lookupId = parseKey(key.secret)!.lookupId;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let read!: () => void;
    const stateRead = new Promise<void>((resolve) => (read = resolve));
    // The real query runs; only its answer is held back until the revocation has committed.
    const slowSource = new Proxy(sut.app.dataSource, {
      get(target, property, receiver) {
        if (property !== "query") return Reflect.get(target, property, receiver);
        return async (sql: string, parameters: unknown[]) => {
          const rows = await target.query(sql, parameters);
          read();
          await gate;
          return rows;
        };
      },
    }) as DataSource;
    const store = new KeyStateStore(slowSource, sut.app.services.bus);

    const racing = store.keyByLookupId(lookupId);
    await stateRead;
    await tenant.admin.ok(REVOKE_KEY, { input: { id: key.id } });
    release();
    const stale = await racing;
    expect(stale?.revokedAt).toBeNull();

    const work = { queries: 0, bcryptCompares: 0 };
    const fresh = await withRequestWork(work, () => store.keyById(key.id));
    expect(fresh?.revokedAt).not.toBeNull();
    expect(work.queries).toBe(1);
  });
});
