import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { KEY_PREFIX_PATTERN, generateKey, parseKey } from "../../src/core/key-format";

/** The pattern README gives secret scanners, read from README itself so the two cannot drift. */
function documentedPattern(): RegExp {
  const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
  const match = /Secret scanners find Keysmith keys with\s*```\n(.+)\n```/.exec(readme);
  if (!match) throw new Error("README no longer gives the secret scanning pattern after 'Secret scanners find Keysmith keys with'");
  return new RegExp(match[1], "g");
}

const prefixes = fc.stringMatching(KEY_PREFIX_PATTERN);

describe("the secret scanning pattern README documents", () => {
  const pattern = documentedPattern();
  const matches = (text: string) => [...text.matchAll(pattern)].map((match) => match[0]);

  it("finds every generated key, whatever its prefix, alone or inside text", () => {
    fc.assert(
      fc.property(prefixes, (prefix) => {
        const { key } = generateKey(prefix);
        expect(matches(key)).toEqual([key]);
        expect(matches(`KEYSMITH_KEY="${key}" # staging`)).toEqual([key]);
      }),
    );
  });

  it("finds nothing in random text that lacks the shape", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => expect(matches(text)).toEqual([])));
    expect(matches("sk_live_abc ghp_0123456789 acme_short AKIAIOSFODNN7EXAMPLE")).toEqual([]);
  });

  it("also matches noise of the right shape: the checksum, not the pattern, tells a key from it", () => {
    fc.assert(
      fc.property(prefixes, fc.stringMatching(/^[0-9A-Za-z]{50}$/), (prefix, body) => {
        const candidate = `${prefix}_${body}`;
        expect(matches(candidate)).toEqual([candidate]);
        expect(parseKey(candidate)).toBeUndefined();
      }),
    );
  });
});
