import { Matches, type ValidationOptions } from "class-validator";
import { badInput } from "./errors";

/** Rejects empty and whitespace-only strings (the service trims what it stores). */
export const NotBlank = (options?: ValidationOptions): PropertyDecorator =>
  Matches(/\S/, { message: "must not be blank", ...options });

/** Trims a required text field and checks its length, naming the field when it does not fit. */
export function requiredText(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0) throw badInput(field, "must not be blank");
  if (trimmed.length > max) throw badInput(field, `must be at most ${max} characters`);
  return trimmed;
}

/** Trims an optional text field; blank becomes null. */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed.length > max) throw badInput(field, `must be at most ${max} characters`);
  return trimmed === "" ? null : trimmed;
}

/** In update inputs: absent (undefined) keeps the current value, null clears it. */
export const isPresent = <T>(value: T | undefined): value is T => value !== undefined;
