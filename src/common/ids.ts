import { randomBytes } from "node:crypto";
import { badInput } from "./errors";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);

/** Returns the id in canonical lower case, or BAD_USER_INPUT naming the field. */
export function requireUuid(value: string, field: string): string {
  if (!isUuid(value)) throw badInput(field, "must be a UUID");
  return value.toLowerCase();
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7: time-ordered, so new rows land at the right edge of their indexes. Within one
 * millisecond a 12-bit sequence keeps ids from this process increasing, so "newest first" with the
 * id as tie-breaker matches creation order.
 */
export function newId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMs++;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
