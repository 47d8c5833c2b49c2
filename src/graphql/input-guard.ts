import type { MiddlewareFn } from "type-graphql";
import { invalidInput } from "../common/errors";
import { unstorableValues } from "../common/validation";

/**
 * Arguments that are keys presented for checking: a check never throws for a bad key (one with
 * control characters fails its checksum and is answered MALFORMED), so they are not refused here.
 */
const PRESENTED_KEYS: ReadonlySet<string> = new Set(["checkKey:input.key"]);

/**
 * Refuses, before anything runs, any argument no column could store: a string with control
 * characters (in names, descriptions, metadata keys and values, filters, cursors, slugs, at any
 * depth) or a date outside PostgreSQL's range. BAD_USER_INPUT naming every such field.
 */
export const refuseUnstorableInput: MiddlewareFn = ({ args, info }, next) => {
  const skip = (path: string) => PRESENTED_KEYS.has(`${info.fieldName}:${path}`);
  const fields = unstorableValues(args, "", skip);
  if (fields.length > 0) throw invalidInput(fields);
  return next();
};
