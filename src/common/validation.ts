import { Matches, type ValidationOptions } from "class-validator";

/** Rejects empty and whitespace-only strings (the service trims what it stores). */
export const NotBlank = (options?: ValidationOptions): PropertyDecorator =>
  Matches(/\S/, { message: "must not be blank", ...options });

/** An optional text field as stored: trimmed, and blank becomes null. Lengths are checked on the inputs. */
export function trimmedOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** In update inputs: absent (undefined) keeps the current value, null clears it. */
export const isPresent = <T>(value: T | undefined): value is T => value !== undefined;

/** NUL and the other C0 control characters but tab, LF and CR: no column stores them usefully, and PostgreSQL refuses some. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

export const hasControlCharacters = (text: string): boolean => CONTROL_CHARACTERS.test(text);

/** The range PostgreSQL's timestamptz can hold (4713 BC to 294276 AD; JavaScript's Date ends sooner). */
const EARLIEST_STORABLE_MS = Date.UTC(-4712, 0, 1);

export const isStorableDate = (date: Date): boolean => !Number.isNaN(date.getTime()) && date.getTime() >= EARLIEST_STORABLE_MS;

/** A field error for each string with control characters and each date PostgreSQL cannot store, however deep. */
export function unstorableValues(value: unknown, path: string, skip: (path: string) => boolean = () => false): Array<{ field: string; message: string }> {
  if (skip(path)) return [];
  if (typeof value === "string") return hasControlCharacters(value) ? [{ field: path, message: "must not contain control characters" }] : [];
  if (value instanceof Date) return isStorableDate(value) ? [] : [{ field: path, message: "must be a date PostgreSQL can store (after 4713 BC)" }];
  if (Array.isArray(value)) return value.flatMap((item, index) => unstorableValues(item, `${path}[${index}]`, skip));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([name, inner]) => [
    ...(hasControlCharacters(name) ? [{ field: path, message: "must not hold a key with control characters" }] : []),
    ...unstorableValues(inner, path ? `${path}.${name}` : name, skip),
  ]);
}
