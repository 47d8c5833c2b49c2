import { QueryFailedError } from "typeorm";

/** Set on errors raised while a connection was being acquired: then the database is unavailable, whatever it said. */
const ACQUIRING = Symbol.for("keysmith.acquiringConnection");

export function markAcquisitionFailure<T>(error: T): T {
  if (error && typeof error === "object") (error as Record<symbol, unknown>)[ACQUIRING] = true;
  return error;
}

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

/** A statement the driver sent failed without an answer from the server: the connection itself failed. */
function isTransportFailure(failed: QueryFailedError): boolean {
  const driverError = failed.driverError as unknown;
  if (driverError === null || typeof driverError !== "object") return true;
  if (driverError instanceof TypeError || driverError instanceof RangeError) return false;
  return !("severity" in driverError);
}

/**
 * Whether an error means the database cannot be used right now, decided by where it arose, not by
 * its message: while acquiring a connection (refused, timed out, "not accepting connections", too
 * many clients: any reason), a session the server ended (FATAL or PANIC), a statement whose
 * connection failed under it, or the socket itself.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return causes(error).some((cause) => {
    if ((cause as Record<symbol, unknown>)[ACQUIRING]) return true;
    if (cause instanceof QueryFailedError && isTransportFailure(cause)) return true;
    const { severity, code, syscall } = cause as { severity?: unknown; code?: unknown; syscall?: unknown };
    if (severity === "FATAL" || severity === "PANIC") return true;
    return typeof syscall === "string" && typeof code === "string";
  });
}

/** A statement cancelled by statement_timeout. */
export const isStatementTimeout = (error: unknown): boolean => causes(error).some((cause) => (cause as { code?: unknown }).code === "57014");

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
