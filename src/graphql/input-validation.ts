import { type ValidationError, validate } from "class-validator";
import type { ValidatorFn } from "type-graphql";
import { type FieldError, invalidInput } from "../common/errors";

/** An input class may check the form of its values beyond class-validator's decorators (grants, CIDRs). */
interface WithFormErrors {
  formErrors?: (input: never) => FieldError[];
  /** Set on inputs checked by hand where they are used (checkKey's, on the hot path). */
  validatedByHand?: boolean;
}

/** One line per constraint, naming the field (with its path) and never the submitted value. */
export function describeValidation(errors: ValidationError[], parent = ""): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    // class-validator starts its default messages with the property name, which `field` already says.
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.startsWith(`${error.property} `) ? message.slice(error.property.length + 1) : message,
    }));
    return [...own, ...describeValidation(error.children ?? [], field)];
  });
}

/**
 * Validates each input argument once, reporting every field at fault together: class-validator's
 * decorators, then the input's own form checks. Arguments of plain types pass through.
 */
export const validateInput: ValidatorFn = async (value, type) => {
  if (value === null || typeof value !== "object" || typeof type !== "function") return;
  const inputClass = type as unknown as WithFormErrors;
  if (inputClass.validatedByHand) return;
  const items: object[] = Array.isArray(value) ? value : [value];
  const fields: FieldError[] = [];
  for (const item of items) {
    fields.push(...describeValidation(await validate(item, { forbidUnknownValues: false, skipMissingProperties: true, validationError: { target: false, value: false } })));
    fields.push(...(inputClass.formErrors?.(item as never) ?? []));
  }
  if (fields.length > 0) throw invalidInput(fields);
};
