import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * `<prefix>_<body>`: the body is 50 base62 characters, lookupId (12) + secret (32) + checksum (6).
 * The checksum is CRC32 of everything before it, so typos and garbage are rejected with no I/O.
 */
export const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const LOOKUP_ID_LENGTH = 12;
export const SECRET_LENGTH = 32;
export const CHECKSUM_LENGTH = 6;
export const BODY_LENGTH = LOOKUP_ID_LENGTH + SECRET_LENGTH + CHECKSUM_LENGTH;
export const KEY_PREFIX_PATTERN = /^[a-z][a-z0-9_]{1,15}$/;
export const DEFAULT_KEY_PREFIX = "ks";

const BASE62_BODY = new RegExp(`^[0-9A-Za-z]{${BODY_LENGTH}}$`);
/** The largest multiple of 62 below 256: bytes at or above it are dropped so every character is equally likely. */
const UNBIASED_BYTE_LIMIT = 248;

export interface ParsedKey {
  prefix: string;
  lookupId: string;
  secret: string;
}

export interface GeneratedKey extends ParsedKey {
  /** The full key: shown to its owner once, never stored. */
  key: string;
  last4: string;
}

export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < UNBIASED_BYTE_LIMIT) out += BASE62_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** CRC32 as a big-endian base62 number, left-padded with `0` to six characters. */
export function checksum(text: string): string {
  let value = crc32(text);
  let out = "";
  do {
    out = BASE62_ALPHABET[value % 62] + out;
    value = Math.floor(value / 62);
  } while (value > 0);
  return out.padStart(CHECKSUM_LENGTH, "0");
}

export function generateKey(prefix: string): GeneratedKey {
  const lookupId = randomBase62(LOOKUP_ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  const unsigned = `${prefix}_${lookupId}${secret}`;
  const key = unsigned + checksum(unsigned);
  return { key, prefix, lookupId, secret, last4: key.slice(-4) };
}

/** Splits a presented key; undefined when its shape or checksum is wrong (MALFORMED). */
export function parseKey(key: string): ParsedKey | undefined {
  const separator = key.lastIndexOf("_");
  if (separator < 0) return undefined;
  const prefix = key.slice(0, separator);
  const body = key.slice(separator + 1);
  if (!KEY_PREFIX_PATTERN.test(prefix) || !BASE62_BODY.test(body)) return undefined;
  const checksumStart = key.length - CHECKSUM_LENGTH;
  if (checksum(key.slice(0, checksumStart)) !== key.slice(checksumStart)) return undefined;
  return {
    prefix,
    lookupId: body.slice(0, LOOKUP_ID_LENGTH),
    secret: body.slice(LOOKUP_ID_LENGTH, LOOKUP_ID_LENGTH + SECRET_LENGTH),
  };
}

/** The display form: `acme_AbCdEf123456…wXyZ` (prefix, lookupId, last four characters). */
export function maskKey(prefix: string, lookupId: string, last4: string): string {
  return `${prefix}_${lookupId}…${last4}`;
}
