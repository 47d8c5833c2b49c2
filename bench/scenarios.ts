import type { Seeded } from "./seed";

export interface Scenario {
  name: string;
  /** The GraphQL request; `bodies` cycles through many (the cold scenario). */
  body?: string;
  bodies?: string[];
  credential?: string;
  /** False for the cold scenario: warming it up would verify (and so cache) its keys. */
  warmUp?: boolean;
  /** What one answer must say, checked once before measuring. */
  expect: (response: unknown) => boolean;
}

const CHECK = "query Check($input: CheckKeyInput!) { checkKey(input: $input) { code allowed } }";
const check = (key: string, clientIp?: string) =>
  JSON.stringify({ query: CHECK, variables: { input: { key, scopes: ["example:ListItems"], clientIp } } });

/**
 * Failed checks are budgeted per (caller, client address): a backend relaying its users' typos
 * sends many addresses, so the bad-key scenarios spread over 10,000 of them.
 */
const fromManyClients = (key: string) =>
  Array.from({ length: 10_000 }, (_, i) => check(key, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
const codeIs = (code: string) => (response: unknown) => (response as { data?: { checkKey?: { code?: string } } }).data?.checkKey?.code === code;
const hasData = (field: string) => (response: unknown) => Boolean((response as { data?: Record<string, unknown> }).data?.[field]);

const FIRST_PAGE = JSON.stringify({
  query: "query Keys { apiKeys(first: 20) { nodes { id name maskedKey status expiresAt lastUsedAt } pageInfo { hasNextPage endCursor } } }",
});
const STATS = JSON.stringify({ query: "query Stats { apiKeyStats { total active expiringSoon expired disabled revoked } }" });

/** The scenarios, baseline first: every ratio is against it. */
export function scenarios(seeded: Seeded, largeLabel: string): Scenario[] {
  const typename = JSON.stringify({ query: "{ __typename }" });
  return [
    { name: "baseline { __typename }", body: typename, expect: hasData("__typename") },
    { name: "baseline { __typename }, authenticated", body: typename, credential: seeded.verifier.key, expect: hasData("__typename") },
    { name: "checkKey warm (valid, one scope)", body: check(seeded.validKey), credential: seeded.verifier.key, expect: codeIs("VALID") },
    { name: "checkKey malformed key", bodies: fromManyClients("bench_not-a-key"), credential: seeded.verifier.key, expect: codeIs("MALFORMED") },
    { name: "checkKey unknown lookup id", bodies: fromManyClients(seeded.unknownKey), credential: seeded.verifier.key, expect: codeIs("NOT_FOUND") },
    { name: "checkKey cold (distinct keys, bcrypt)", bodies: seeded.coldKeys.map((key) => check(key)), credential: seeded.verifier.key, warmUp: false, expect: codeIs("VALID") },
    { name: "apiKeys first page, 1k keys", body: FIRST_PAGE, credential: seeded.small.key, expect: hasData("apiKeys") },
    { name: `apiKeys first page, ${largeLabel} keys`, body: FIRST_PAGE, credential: seeded.large.key, expect: hasData("apiKeys") },
    { name: "apiKeyStats, 1k keys", body: STATS, credential: seeded.small.key, expect: hasData("apiKeyStats") },
    { name: `apiKeyStats, ${largeLabel} keys`, body: STATS, credential: seeded.large.key, expect: hasData("apiKeyStats") },
  ];
}
