import { crc32 } from "node:zlib";
import fc from "fast-check";
import {
  BASE62_ALPHABET,
  DEFAULT_KEY_PREFIX,
  KEY_PREFIX_PATTERN,
  checksum,
  generateKey,
  maskKey,
  parseKey,
  randomBase62,
} from "../../src/core/key-format";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** DESIGN.md: CRC32 of the text as a big-endian base62 number, left-padded with `0` to six characters. */
function referenceChecksum(text: string): string {
  let value = crc32(text);
  const digits: string[] = [];
  for (let place = 0; place < 6; place++) {
    digits.unshift(ALPHABET[value % 62]);
    value = Math.floor(value / 62);
  }
  expect(value).toBe(0);
  return digits.join("");
}

/** Builds a key with a correct checksum around any prefix and body, to test the shape checks alone. */
const withChecksum = (prefix: string, bodyWithoutChecksum: string): string => {
  const unsigned = `${prefix}_${bodyWithoutChecksum}`;
  return unsigned + referenceChecksum(unsigned);
};

const base62 = (length: number) => fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: length, maxLength: length });
const prefixArbitrary = fc.stringMatching(/^[a-z][a-z0-9_]{1,15}$/);
const keyArbitrary = fc
  .record({ prefix: prefixArbitrary, lookupId: base62(12), secret: base62(32) })
  .map((parts) => ({ ...parts, key: withChecksum(parts.prefix, parts.lookupId + parts.secret) }));

describe("key format", () => {
  it("uses the base62 alphabet 0-9A-Za-z and the default prefix ks", () => {
    expect(BASE62_ALPHABET).toBe(ALPHABET);
    expect(DEFAULT_KEY_PREFIX).toBe("ks");
    expect(KEY_PREFIX_PATTERN.test(DEFAULT_KEY_PREFIX)).toBe(true);
  });

  describe("generateKey", () => {
    it("makes `<prefix>_` followed by 50 base62 characters: lookupId, secret, checksum", () => {
      const sut = generateKey("acme");
      expect(sut.key).toMatch(/^acme_[0-9A-Za-z]{50}$/);
      expect(sut.prefix).toBe("acme");
      expect(sut.lookupId).toMatch(/^[0-9A-Za-z]{12}$/);
      expect(sut.secret).toMatch(/^[0-9A-Za-z]{32}$/);
      expect(sut.key).toBe(withChecksum("acme", sut.lookupId + sut.secret));
      expect(sut.last4).toBe(sut.key.slice(-4));
    });

    it("parses back into its prefix, lookupId and secret", () => {
      const sut = generateKey(DEFAULT_KEY_PREFIX);
      expect(parseKey(sut.key)).toEqual({ prefix: sut.prefix, lookupId: sut.lookupId, secret: sut.secret });
    });

    it("makes a different lookupId and secret every time", () => {
      const first = generateKey("ks");
      const second = generateKey("ks");
      expect(second.lookupId).not.toBe(first.lookupId);
      expect(second.secret).not.toBe(first.secret);
    });

    it("round-trips for every valid prefix, underscores included", () => {
      fc.assert(
        fc.property(prefixArbitrary, (prefix) => {
          const sut = generateKey(prefix);
          expect(parseKey(sut.key)).toEqual({ prefix, lookupId: sut.lookupId, secret: sut.secret });
        }),
        { numRuns: 500 },
      );
    });
  });

  describe("checksum", () => {
    it.each([
      ["", "000000"],
      ["123456789", "3jZRME"],
      ["x831", "000h2b"],
    ])("encodes CRC32 of %p as the big-endian, zero-padded base62 %s", (text, expected) => {
      expect(checksum(text)).toBe(expected);
    });

    it("matches CRC32 (node:zlib) in base62 for any text", () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 80 }), (text) => {
          expect(checksum(text)).toBe(referenceChecksum(text));
        }),
        { numRuns: 2_000 },
      );
    });

    it("covers the prefix and the underscore", () => {
      const body = "A".repeat(44);
      expect(withChecksum("ks", body).slice(-6)).toBe(checksum(`ks_${body}`));
      expect(checksum(`ks_${body}`)).not.toBe(checksum(body));
      expect(checksum(`ks_${body}`)).not.toBe(checksum(`kt_${body}`));
    });
  });

  describe("parseKey", () => {
    it("accepts any well-formed key with a correct checksum", () => {
      fc.assert(
        fc.property(keyArbitrary, ({ prefix, lookupId, secret, key }) => {
          expect(parseKey(key)).toEqual({ prefix, lookupId, secret });
        }),
        { numRuns: 1_000 },
      );
    });

    it("rejects every single-character substitution", () => {
      const substitute = fc.constantFrom(...ALPHABET, "_", "-", " ", "é");
      fc.assert(
        fc.property(keyArbitrary, fc.nat(), substitute, ({ key }, index, replacement) => {
          const position = index % key.length;
          fc.pre(key[position] !== replacement);
          const typo = key.slice(0, position) + replacement + key.slice(position + 1);
          expect(parseKey(typo)).toBeUndefined();
        }),
        { numRuns: 5_000 },
      );
    });

    it("rejects every single-character substitution of one generated key, exhaustively", () => {
      const { key } = generateKey("ks");
      const accepted: string[] = [];
      for (let position = 0; position < key.length; position++) {
        for (const replacement of ALPHABET + "_") {
          if (replacement === key[position]) continue;
          const typo = key.slice(0, position) + replacement + key.slice(position + 1);
          if (parseKey(typo) !== undefined) accepted.push(typo);
        }
      }
      expect(accepted).toEqual([]);
    });

    it.each([49, 51, 44, 0])("rejects a body of %i characters even with a correct checksum", (length) => {
      const key = length >= 6 ? withChecksum("ks", "a".repeat(length - 6)) : `ks_${"a".repeat(length)}`;
      expect(parseKey(key)).toBeUndefined();
    });

    it.each([
      ["KS", "an upper-case prefix"],
      ["k", "a one-character prefix"],
      ["1ks", "a prefix starting with a digit"],
      ["_ks", "a prefix starting with an underscore"],
      ["ks-live", "a prefix with a hyphen"],
      ["abcdefghijklmnopq", "a prefix of 17 characters"],
      ["", "an empty prefix"],
    ])("rejects %p (%s) even with a correct checksum", (prefix) => {
      expect(parseKey(withChecksum(prefix, "a".repeat(44)))).toBeUndefined();
    });

    it("rejects a key without an underscore", () => {
      const { key } = generateKey("ks");
      expect(parseKey(key.replace("_", ""))).toBeUndefined();
      expect(parseKey(key.slice(3))).toBeUndefined();
    });

    it("rejects a body with a character outside base62, even with a correct checksum", () => {
      expect(parseKey(withChecksum("ks", `${"a".repeat(43)}-`))).toBeUndefined();
    });

    it("parses a prefix containing underscores from the last underscore", () => {
      const key = withChecksum("my_app_v2", "L".repeat(12) + "S".repeat(32));
      expect(parseKey(key)).toEqual({ prefix: "my_app_v2", lookupId: "L".repeat(12), secret: "S".repeat(32) });
    });
  });

  describe("maskKey", () => {
    it("shows the prefix, the lookupId and the last four characters", () => {
      expect(maskKey("acme", "AbCdEf123456", "wXyZ")).toBe("acme_AbCdEf123456…wXyZ");
    });

    it("masks a generated key to its first prefix+13 characters, an ellipsis and its last four", () => {
      const { key, prefix, lookupId, last4 } = generateKey("my_app");
      const sut = maskKey(prefix, lookupId, last4);
      expect(sut).toBe(`${key.slice(0, "my_app_".length + 12)}…${key.slice(-4)}`);
      expect(sut).not.toContain(key.slice("my_app_".length + 12, -4));
    });
  });

  describe("randomBase62", () => {
    it("returns exactly the length asked for, in base62", () => {
      for (const length of [0, 1, 12, 32, 1000]) {
        expect(randomBase62(length)).toMatch(new RegExp(`^[0-9A-Za-z]{${length}}$`));
      }
    });

    it("uses the whole alphabet", () => {
      const seen = new Set(randomBase62(62 * 200));
      expect([...seen].sort().join("")).toBe([...ALPHABET].sort().join(""));
    });
  });
});
