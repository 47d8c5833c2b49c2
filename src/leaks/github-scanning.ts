import { type KeyObject, createHash, createPublicKey, verify } from "node:crypto";

/** One of GitHub's secret scanning signing keys (https://api.github.com/meta/public_keys/secret_scanning). */
export interface ScanningKey {
  id: string;
  key: KeyObject;
}

/** A match GitHub found: the token, the secret type it was registered as, where it was found. */
export interface ReportedToken {
  token: string;
  type: string;
  url?: string;
  source?: string;
}

export interface TokenLabel {
  /** SHA-256 of the token, in hex: the answer never carries the token itself. */
  token_hash: string;
  token_type: string;
  label: "true_positive" | "false_positive";
}

/** Reports per request, and their size: GitHub batches matches, but not without end. */
export const MAX_REPORTED_TOKENS = 100;
const MAX_FIELD = 2_000;

/**
 * GITHUB_SCANNING_KEYS: the JSON GitHub publishes ({"public_keys": [{"key_identifier", "key"}]}),
 * or its list. Throws a sentence saying what is wrong.
 */
export function parseScanningKeys(text: string): ScanningKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error("must be the JSON of GitHub's secret scanning public keys");
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { public_keys?: unknown })?.public_keys;
  if (!Array.isArray(list) || list.length === 0) throw new Error('must list at least one key, as {"public_keys": [{"key_identifier": ..., "key": ...}]}');
  return list.map((entry, index) => {
    const { key_identifier: id, key } = (entry ?? {}) as { key_identifier?: unknown; key?: unknown };
    if (typeof id !== "string" || id === "" || typeof key !== "string") throw new Error(`public_keys[${index}] needs key_identifier and key`);
    try {
      return { id, key: createPublicKey(key) };
    } catch {
      throw new Error(`public_keys[${index}].key is not a PEM public key`);
    }
  });
}

/** Whether the body was signed (ECDSA, SHA-256, base64 DER) by the GitHub key it names. */
export function signedByGitHub(keys: readonly ScanningKey[], keyId: string | undefined, signature: string | undefined, body: string): boolean {
  if (!keyId || !signature) return false;
  const signer = keys.find((candidate) => candidate.id === keyId);
  if (!signer) return false;
  try {
    return verify("sha256", Buffer.from(body, "utf8"), signer.key, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/** The reported tokens, or a sentence saying why the body is not a list of them. */
export function reportedTokens(body: unknown): ReportedToken[] | string {
  if (!Array.isArray(body)) return "the body must be a JSON array of reported tokens";
  if (body.length === 0 || body.length > MAX_REPORTED_TOKENS) return `the body must hold 1 to ${MAX_REPORTED_TOKENS} reported tokens`;
  for (const [index, entry] of body.entries()) {
    const { token, type, url, source } = (entry ?? {}) as Record<string, unknown>;
    if (typeof token !== "string" || token === "" || token.length > MAX_FIELD) return `[${index}].token must be a string`;
    if (typeof type !== "string" || type.length > MAX_FIELD) return `[${index}].type must be a string`;
    if ((url !== undefined && typeof url !== "string") || (typeof url === "string" && url.length > MAX_FIELD)) return `[${index}].url must be a string`;
    if ((source !== undefined && typeof source !== "string") || (typeof source === "string" && source.length > MAX_FIELD)) return `[${index}].source must be a string`;
  }
  return body as ReportedToken[];
}

export function tokenLabel(reported: ReportedToken, authentic: boolean): TokenLabel {
  return {
    token_hash: createHash("sha256").update(reported.token).digest("hex"),
    token_type: reported.type,
    label: authentic ? "true_positive" : "false_positive",
  };
}
