import { buildSchema, graphql } from "graphql";
import { withoutValues } from "../../src/graphql/error-formatting";

const SECRET = "ks_secretvalue";

const schema = buildSchema(`
  enum CheckMode { ALL ANY }
  input CheckKeyInput { key: String!, scopes: [String!], limit: Int, mode: CheckMode }
  type Query {
    checkKey(input: CheckKeyInput!): Boolean
    count(n: Int!): Int
    byMode(mode: CheckMode!): Boolean
  }
`);

const CHECK_KEY = "query ($input: CheckKeyInput!) { checkKey(input: $input) }";

/** The messages graphql-js itself produces for a request. */
async function graphqlMessages(source: string, variableValues: Record<string, unknown> = {}): Promise<string[]> {
  const result = await graphql({ schema, source, variableValues });
  expect(result.errors?.length).toBeGreaterThan(0);
  return (result.errors ?? []).map((error) => error.message);
}

describe("withoutValues", () => {
  describe("variable coercion messages", () => {
    it.each([
      {
        case: "a String! field given a number",
        source: CHECK_KEY,
        variables: { input: { key: 987654321 } },
        submitted: "987654321",
        expected: 'Variable "$input" got an invalid value at "input.key"; String cannot represent the value given.',
      },
      {
        case: "an unknown field next to the key",
        source: CHECK_KEY,
        variables: { input: { key: SECRET, bogus: 1 } },
        submitted: SECRET,
        expected: 'Variable "$input" got an invalid value; Field "bogus" is not defined by type "CheckKeyInput".',
      },
      {
        case: "an Int field given a string",
        source: CHECK_KEY,
        variables: { input: { key: SECRET, limit: "abc" } },
        submitted: "abc",
        expected: 'Variable "$input" got an invalid value at "input.limit"; Int cannot represent the value given.',
      },
      {
        case: "an Int variable given a string",
        source: "query ($n: Int!) { count(n: $n) }",
        variables: { n: SECRET },
        submitted: SECRET,
        expected: 'Variable "$n" got an invalid value; Int cannot represent the value given.',
      },
      {
        case: "an Int variable given a number out of range",
        source: "query ($n: Int!) { count(n: $n) }",
        variables: { n: 99999999999 },
        submitted: "99999999999",
        expected: 'Variable "$n" got an invalid value; Int cannot represent the value given.',
      },
      {
        case: "an enum field given a wrong value",
        source: CHECK_KEY,
        variables: { input: { key: SECRET, mode: "SOMETIMES" } },
        submitted: "SOMETIMES",
        expected: 'Variable "$input" got an invalid value at "input.mode"; Not a value of the enum CheckMode.',
      },
      {
        case: "an enum variable given the key",
        source: "query ($mode: CheckMode!) { byMode(mode: $mode) }",
        variables: { mode: SECRET },
        submitted: SECRET,
        expected: 'Variable "$mode" got an invalid value; Not a value of the enum CheckMode.',
      },
      {
        case: "a list item of the wrong type",
        source: CHECK_KEY,
        variables: { input: { key: SECRET, scopes: ["users:read", 424242] } },
        submitted: "424242",
        expected: 'Variable "$input" got an invalid value at "input.scopes[1]"; String cannot represent the value given.',
      },
      {
        case: "the key where an object belongs",
        source: CHECK_KEY,
        variables: { input: SECRET },
        submitted: SECRET,
        expected: 'Variable "$input" got an invalid value; Expected type "CheckKeyInput" to be an object.',
      },
      {
        case: "null for a non-null field",
        source: CHECK_KEY,
        variables: { input: { key: null } },
        submitted: "invalid value null",
        expected: 'Variable "$input" got an invalid value at "input.key"; Expected non-nullable type "String!" not to be null.',
      },
    ])("drops the value of $case, keeping the variable and the reason", async ({ source, variables, submitted, expected }) => {
      const [message] = await graphqlMessages(source, variables);
      expect(message).toContain(submitted);

      const sut = withoutValues(message);

      expect(sut).not.toContain(submitted);
      expect(sut).toBe(expected);
    });

    it("drops the key from every message about an input that misnames its field", async () => {
      const messages = await graphqlMessages(CHECK_KEY, { input: { secret: SECRET } });
      expect(messages.map(withoutValues)).toEqual([
        'Variable "$input" got an invalid value; Field "key" of required type "String!" was not provided.',
        'Variable "$input" got an invalid value; Field "secret" is not defined by type "CheckKeyInput".',
      ]);
    });

    it("drops the value but keeps a suggestion that comes from the schema out of the reason", async () => {
      const [message] = await graphqlMessages("query ($mode: CheckMode!) { byMode(mode: $mode) }", { mode: "AL" });
      expect(withoutValues(message)).toBe('Variable "$mode" got an invalid value; Not a value of the enum CheckMode.');
    });

    it("drops a number given to an enum variable", async () => {
      const [message] = await graphqlMessages("query ($mode: CheckMode!) { byMode(mode: $mode) }", { mode: 424242 });
      expect(message).toContain("424242");
      const sut = withoutValues(message);
      expect(sut).not.toContain("424242");
      expect(sut).toMatch(/^Variable "\$mode" got an invalid value/);
    });

    it("keeps a message that quotes no value", async () => {
      const [message] = await graphqlMessages("query ($mode: CheckMode!) { byMode(mode: $mode) }");
      expect(message).toBe('Variable "$mode" of required type "CheckMode!" was not provided.');
      expect(withoutValues(message)).toBe(message);
    });

    it("still drops the value when it does not recognise the reason", () => {
      const message = `Variable "$id" got invalid value "${SECRET}"; Value is not a valid UUID: ${SECRET}`;
      expect(withoutValues(message)).toBe('Variable "$id" got an invalid value.');
    });
  });

  describe("literal messages", () => {
    it.each([
      ['{ checkKey(input: {key: 987654321}) }', "987654321", "String cannot represent the value given."],
      [`{ count(n: "${SECRET}") }`, SECRET, "Int cannot represent the value given."],
      [`{ byMode(mode: "${SECRET}") }`, SECRET, "CheckMode cannot represent the value given."],
      [`{ byMode(mode: ${SECRET}) }`, SECRET, "Not a value of the enum CheckMode."],
    ])("drops the value from the message for %s", async (source, submitted, expected) => {
      const [message] = await graphqlMessages(source);
      expect(message).toContain(submitted);
      expect(withoutValues(message)).toBe(expected);
    });

    it("replaces what follows `found` in an Expected value of type message", () => {
      expect(withoutValues(`Expected value of type "UUID", found "${SECRET}"; Value is not a valid UUID: ${SECRET}`)).toBe(
        'Expected value of type "UUID".',
      );
    });

    it("leaves messages that are not about values unchanged", () => {
      const message = 'Cannot query field "nope" on type "Query".';
      expect(withoutValues(message)).toBe(message);
    });
  });
});
