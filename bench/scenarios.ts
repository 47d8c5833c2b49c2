import { checksum, randomBase62 } from "../src/core/key-format";
import type { Load } from "./load";
import type { Seeded } from "./seed";

export interface Scenario extends Load {
  name: string;
  /** False for cold scenarios: warming them up would verify (and so cache) their keys. */
  warmUp?: boolean;
  /** Connections for this scenario (default: the bench's 50). */
  connections?: number;
  /** What one answer must say, checked once before measuring. */
  expect: (response: unknown, status: number) => boolean;
}

const CHECK = "query Check($input: CheckKeyInput!) { checkKey(input: $input) { code allowed } }";
export const check = (key: string, clientIp?: string) =>
  JSON.stringify({ query: CHECK, variables: { input: { key, scopes: ["example:ListItems"], clientIp } } });

export const REST_CHECK = "/v1/keys.check";
export const restCheck = (key: string, clientIp?: string) => JSON.stringify({ key, scopes: ["example:ListItems"], clientIp });

/** A client address for index `i`: 10.x.y.z, distinct for the first 16 million. */
const clientAddress = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/**
 * Failed checks are budgeted per (caller, client address): a backend relaying its users' typos
 * sends many addresses, so the bad-key scenarios spread over 10,000 of them.
 */
const fromManyClients = (key: string) => Array.from({ length: 10_000 }, (_, i) => check(key, clientAddress(i)));

/** The key's prefix and lookup id with a random secret and a right checksum: a forgery naming it. */
export function forgedFor(key: string): string {
  const unsigned = `${key.slice(0, key.lastIndexOf("_") + 13)}${randomBase62(32)}`;
  return unsigned + checksum(unsigned);
}

const restCodeIs = (code: string) => (response: unknown) => (response as { code?: string }).code === code;
const codeIs = (code: string) => (response: unknown) => (response as { data?: { checkKey?: { code?: string } } }).data?.checkKey?.code === code;
const hasData = (field: string) => (response: unknown) => Boolean((response as { data?: Record<string, unknown> }).data?.[field]);
const refusedAs = (status: number, code: string) => (response: unknown, answered: number) =>
  answered === status && (response as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code === code;

const FIRST_PAGE = JSON.stringify({
  query: "query Keys { apiKeys(first: 20) { nodes { id name maskedKey status expiresAt lastUsedAt } pageInfo { hasNextPage endCursor } } }",
});
/** A search a console makes: part of a key (its lookup id's first characters), matching one key whatever the tenant's size. */
const searchByPartialKey = (key: string) =>
  JSON.stringify({
    query: "query Search($search: String) { apiKeys(first: 20, filter: { search: $search }) { nodes { id name maskedKey status } } }",
    variables: { search: key.slice(key.lastIndexOf("_") + 1, key.lastIndexOf("_") + 9) },
  });
const STATS = JSON.stringify({ query: "query Stats { apiKeyStats { total active expiringSoon expired disabled revoked } }" });
const ME = JSON.stringify({ query: "{ me { keyId } }" });

/** Connections of the honest sender in the cold scenarios: a backend's worth, not a load test's. */
export const HONEST_CONNECTIONS = 10;

export const baseline = (): Scenario => ({ name: "baseline { __typename }", body: JSON.stringify({ query: "{ __typename }" }), expect: hasData("__typename") });

/** The load scenarios, measured one after another between two baselines: every ratio is against them. */
export function scenarios(seeded: Seeded, largeLabel: string): Scenario[] {
  const verifier = seeded.verifier.key;
  return [
    { ...baseline(), name: "baseline { __typename }, authenticated", credential: verifier },
    { name: "checkKey warm (valid, one scope)", body: check(seeded.validKey), credential: verifier, expect: codeIs("VALID") },
    { name: "checkKey warm, key with credits (one UPDATE per check)", body: check(seeded.creditsKey), credential: verifier, expect: codeIs("VALID") },
    { name: "checkKey malformed key", bodies: fromManyClients("bench_not-a-key"), credential: verifier, expect: codeIs("MALFORMED") },
    {
      name: "checkKey throttled (one client over its budget)",
      bodies: Array.from({ length: 10_000 }, () => check("bench_not-a-key", "192.0.2.1")),
      credential: verifier,
      expectedStatus: 429,
      // The first 100 failures are answered; the check made before measuring and the warm-up spend them.
      expect: (response, status) => codeIs("MALFORMED")(response) || refusedAs(429, "RATE_LIMITED")(response, status),
    },
    { name: "checkKey unknown lookup id", bodies: fromManyClients(seeded.unknownKey), credential: verifier, expect: codeIs("NOT_FOUND") },
    {
      name: "checkKey cold (distinct keys, bcrypt)",
      bodies: seeded.coldKeys.throughput.map((key) => check(key)),
      credential: verifier,
      warmUp: false,
      expect: codeIs("VALID"),
    },
    { name: "apiKeys first page, 1k keys", body: FIRST_PAGE, credential: seeded.small.key, expect: hasData("apiKeys") },
    { name: `apiKeys first page, ${largeLabel} keys`, body: FIRST_PAGE, credential: seeded.large.key, expect: hasData("apiKeys") },
    { name: "apiKeys search by partial key, 1k keys", body: searchByPartialKey(seeded.small.key), credential: seeded.small.key, expect: hasData("apiKeys") },
    { name: `apiKeys search by partial key, ${largeLabel} keys`, body: searchByPartialKey(seeded.large.key), credential: seeded.large.key, expect: hasData("apiKeys") },
    { name: "apiKeyStats, 1k keys", body: STATS, credential: seeded.small.key, expect: hasData("apiKeyStats") },
    { name: `apiKeyStats, ${largeLabel} keys`, body: STATS, credential: seeded.large.key, expect: hasData("apiKeyStats") },
  ];
}

/** The REST check, warm and malformed, measured against a bare node:http server (the ceiling). */
export function restScenarios(seeded: Seeded): Scenario[] {
  const verifier = seeded.verifier.key;
  return [
    { name: "REST check warm (valid, one scope)", path: REST_CHECK, body: restCheck(seeded.validKey), credential: verifier, expect: restCodeIs("VALID") },
    {
      name: "REST check malformed key",
      path: REST_CHECK,
      bodies: Array.from({ length: 10_000 }, (_, i) => restCheck("bench_not-a-key", clientAddress(i))),
      credential: verifier,
      expect: restCodeIs("MALFORMED"),
    },
  ];
}

/** The ceiling: the same request to a server that only parses it and answers a warm check's JSON. */
export const ceiling = (seeded: Seeded): Scenario => ({
  name: "bare node:http, same JSON (ceiling)",
  path: REST_CHECK,
  body: restCheck(seeded.validKey),
  expect: restCodeIs("VALID"),
});

/** The honest sender of the cold-under-attack runs: its tenant's backend checking keys never seen. */
export function honestColdChecks(seeded: Seeded, set: keyof Seeded["coldKeys"]): Scenario {
  return {
    name: "checkKey cold, honest sender",
    bodies: seeded.coldKeys[set].map((key) => check(key)),
    credential: seeded.verifier.key,
    warmUp: false,
    connections: HONEST_CONNECTIONS,
    expect: codeIs("VALID"),
  };
}

export interface Attack {
  name: string;
  /** The honest sender's set of cold keys under this attack. */
  victims: keyof Seeded["coldKeys"];
  load: (victims: string[]) => Load;
}

/**
 * Attackers sending forged keys as fast as they can: credentials forging the honest keys' lookup
 * ids (from one address, and from many through a trusted proxy), and a tenant whose ten backends
 * send wrong secrets for its own keys, from fresh client addresses, to make the server run bcrypt.
 */
export function attacks(seeded: Seeded): Attack[] {
  const forgeries = (victims: string[]) => Array.from({ length: 20_000 }, (_, i) => forgedFor(victims[i % victims.length]));
  const { verifiers, keys } = seeded.attacker;
  return [
    {
      name: "cold under attack: forged credentials from one address",
      victims: "attackOneAddress",
      load: (victims) => ({
        body: ME,
        headerSets: forgeries(victims).map((key) => ({ authorization: `Bearer ${key}` })),
        expectedStatus: 429,
      }),
    },
    {
      name: "cold under attack: forged credentials from 10,000 addresses",
      victims: "attackManyAddresses",
      load: (victims) => ({
        body: ME,
        headerSets: forgeries(victims).map((key, i) => ({ authorization: `Bearer ${key}`, "x-forwarded-for": `198.18.${(i >> 8) % 40}.${i & 255}` })),
        expectedStatus: 401,
      }),
    },
    {
      name: "cold under attack: another tenant's 10 backends forcing bcrypt",
      victims: "attackOtherTenant",
      load: () => ({
        bodies: forgeries(keys).map((key, i) => check(key, clientAddress(i))),
        headerSets: verifiers.map((verifier) => ({ authorization: `Bearer ${verifier}` })),
        expectedStatus: 429,
      }),
    },
  ];
}

/** The quiet tenant's ordinary read in the noisy-neighbour run. */
export function quietFirstPage(seeded: Seeded): Scenario {
  return { name: "quiet tenant: apiKeys(first: 20)", body: FIRST_PAGE, credential: seeded.small.key, connections: HONEST_CONNECTIONS, expect: hasData("apiKeys") };
}

/**
 * The most expensive documents the limits allow, from the large tenant's twenty principals: a
 * search matching every key, sorted, a page of 100 and a count, plus three more counts (cost near
 * the limit of 5,000).
 */
export function noisyNeighbour(seeded: Seeded): Load {
  const body = JSON.stringify({
    query: `query Expensive {
      a: apiKeys(first: 100, filter: { search: "service" }, orderBy: { field: NAME, direction: ASC }) { totalCount nodes { id name maskedKey status expiresAt lastUsedAt createdBy description externalId } }
      b: apiKeys(filter: { search: "key" }) { totalCount }
      c: apiKeys(filter: { status: EXPIRING_SOON }) { totalCount }
      d: apiKeys(filter: { status: EXPIRED }) { totalCount }
    }`,
  });
  return { body, headerSets: seeded.large.consoles.map((key) => ({ authorization: `Bearer ${key}` })), expectedStatus: 429 };
}
