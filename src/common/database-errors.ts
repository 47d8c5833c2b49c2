/** SQLSTATE classes and driver codes that mean "the database cannot be reached right now". */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "57014", // query_canceled (statement timeout)
  "53300", // too_many_connections
]);
const UNAVAILABLE_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error",
  "Connection is not established",
  "Too many connections",
  "connect ECONNREFUSED",
];

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current && typeof current === "object" && chain.length < 5) {
    chain.push(current);
    // TypeORM wraps driver errors; graphql-js wraps thrown non-Error values (pg throws some) as NonErrorThrown.
    const { driverError, cause, thrownValue } = current as { driverError?: unknown; cause?: unknown; thrownValue?: unknown };
    const next = driverError ?? cause ?? thrownValue;
    if (next === current) break;
    current = next;
  }
  return chain;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some((cause) => {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || code.startsWith("08"))) return true;
    return typeof message === "string" && UNAVAILABLE_MESSAGES.some((text) => message.includes(text));
  });
}

/** A unique violation, optionally of one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return causes(error).some((cause) => {
    const { code, constraint: violated } = cause as { code?: unknown; constraint?: unknown };
    return code === "23505" && (constraint === undefined || violated === constraint);
  });
}

/** A foreign-key violation: the row refers to one that does not exist (a tenant, say). */
export function isForeignKeyViolation(error: unknown): boolean {
  return causes(error).some((cause) => (cause as { code?: unknown }).code === "23503");
}
