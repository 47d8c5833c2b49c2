import { VerifiedKeys, type SharedFingerprints, fingerprintPepper } from "../../src/check/verified-keys";

const MINUTE = 60_000;

describe("VerifiedKeys", () => {
  let now: number;
  const options = () => ({ maxEntries: 3, idleTtlMs: 15 * MINUTE, maxAgeMs: 60 * MINUTE, now: () => now });
  beforeEach(() => {
    now = 1_700_000_000_000;
  });

  it("recognises a key verified before by its fingerprint, and no other key", () => {
    const sut = new VerifiedKeys(options(), fingerprintPepper(undefined));
    sut.remember(sut.fingerprint("ks_one"), "key-1");
    expect(sut.local(sut.fingerprint("ks_one"))).toBe("key-1");
    expect(sut.local(sut.fingerprint("ks_two"))).toBeUndefined();
  });

  it("extends an entry on every hit (sliding expiry), up to the maximum age", () => {
    const sut = new VerifiedKeys(options(), fingerprintPepper(undefined));
    const fingerprint = sut.fingerprint("ks_busy");
    sut.remember(fingerprint, "key-1");
    for (let minute = 10; minute <= 50; minute += 10) {
      now += 10 * MINUTE;
      expect(sut.local(fingerprint)).toBe("key-1");
    }
    now += 11 * MINUTE;
    expect(sut.local(fingerprint)).toBeUndefined();
  });

  it("drops an entry unused for the idle TTL", () => {
    const sut = new VerifiedKeys(options(), fingerprintPepper(undefined));
    const fingerprint = sut.fingerprint("ks_quiet");
    sut.remember(fingerprint, "key-1");
    now += 15 * MINUTE + 1;
    expect(sut.local(fingerprint)).toBeUndefined();
  });

  it("is bounded, dropping the least recently used key", () => {
    const sut = new VerifiedKeys(options(), fingerprintPepper(undefined));
    const [a, b, c, d] = ["ks_a", "ks_b", "ks_c", "ks_d"].map((key) => sut.fingerprint(key));
    sut.remember(a, "a");
    sut.remember(b, "b");
    sut.remember(c, "c");
    sut.local(a);
    sut.remember(d, "d");
    expect([sut.local(a), sut.local(b), sut.local(c), sut.local(d)]).toEqual(["a", undefined, "c", "d"]);
  });

  it("derives the same fingerprints on every instance from SECRET_KEY, and different ones without it", () => {
    const secret = "s".repeat(40);
    const first = new VerifiedKeys(options(), fingerprintPepper(secret));
    const second = new VerifiedKeys(options(), fingerprintPepper(secret));
    expect(first.fingerprint("ks_x")).toBe(second.fingerprint("ks_x"));
    expect(new VerifiedKeys(options(), fingerprintPepper(`${secret}!`)).fingerprint("ks_x")).not.toBe(first.fingerprint("ks_x"));
    expect(new VerifiedKeys(options(), fingerprintPepper(undefined)).fingerprint("ks_x")).not.toBe(
      new VerifiedKeys(options(), fingerprintPepper(undefined)).fingerprint("ks_x"),
    );
  });

  it("shares what it verifies, for the maximum age, and reads the shared store only when asked", async () => {
    const stored = new Map<string, { keyId: string; ttlMs: number }>();
    let reads = 0;
    const shared: SharedFingerprints = {
      async get(fingerprint) {
        reads++;
        return stored.get(fingerprint)?.keyId;
      },
      set(fingerprint, keyId, ttlMs) {
        stored.set(fingerprint, { keyId, ttlMs });
      },
    };
    const sut = new VerifiedKeys(options(), fingerprintPepper("s".repeat(40)), shared);
    const fingerprint = sut.fingerprint("ks_shared");
    sut.remember(fingerprint, "key-1");
    expect(stored.get(fingerprint)).toEqual({ keyId: "key-1", ttlMs: 60 * MINUTE });
    expect(sut.local(fingerprint)).toBe("key-1");
    expect(reads).toBe(0);
    expect(await sut.fromShared(fingerprint)).toBe("key-1");
    expect(reads).toBe(1);
  });
});
