export type Changes = Record<string, { before: unknown; after: unknown }>;

function comparable(value: unknown): string {
  return JSON.stringify(value instanceof Date ? value.toISOString() : (value ?? null));
}

/** The fields whose value differs, each with its value before and after. */
export function diffChanges<T extends object>(before: T, after: T, fields: ReadonlyArray<keyof T & string>): Changes {
  const changes: Changes = {};
  for (const field of fields) {
    if (comparable(before[field]) !== comparable(after[field])) {
      changes[field] = { before: before[field] ?? null, after: after[field] ?? null };
    }
  }
  return changes;
}

/** The set fields of a new object, recorded as changes from nothing. */
export function creationChanges<T extends object>(created: T, fields: ReadonlyArray<keyof T & string>): Changes {
  const changes: Changes = {};
  for (const field of fields) {
    const value = created[field];
    if (value !== null && value !== undefined) changes[field] = { before: null, after: value };
  }
  return changes;
}
