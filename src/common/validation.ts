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
