import { checksum, randomBase62 } from "../../src/core/key-format";

/** A well-formed key (valid checksum) whose lookup id exists nowhere; `seed` makes distinct ones. */
export function unknownKey(seed: number | string = 0, prefix = "ks"): string {
  const unsigned = `${prefix}_${String(seed).padStart(12, "x").slice(-12)}${"w".repeat(32)}`;
  return unsigned + checksum(unsigned);
}

/**
 * The same key with one character of its secret changed and the checksum recomputed: well-formed,
 * same lookup id, wrong secret. Each `variant` (below 200) gives a different one.
 */
export function withWrongSecret(key: string, variant = 0): string {
  const unsigned = key.slice(0, -6);
  const position = unsigned.length - 5 - Math.floor(variant / 10);
  const replacement = "ABCDEFGHIJ"[variant % 10];
  const swapped = unsigned[position] === replacement ? "Z" : replacement;
  const tampered = unsigned.slice(0, position) + swapped + unsigned.slice(position + 1);
  return tampered + checksum(tampered);
}

/** The key's prefix and lookup id with a random secret and a correct checksum: a forgery naming a real key. */
export function forgedFor(key: string): string {
  const separator = key.lastIndexOf("_");
  const unsigned = `${key.slice(0, separator + 1 + 12)}${randomBase62(32)}`;
  return unsigned + checksum(unsigned);
}
