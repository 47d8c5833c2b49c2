import { randomUUID } from "node:crypto";
import { isDatabaseUnavailable, isStatementTimeout } from "./database-errors";
import { DomainError, ErrorCode, type FieldError, serviceUnavailable } from "./errors";

/** What every edge (GraphQL, REST, HTTP) answers for an error, and how the server logs it. */
export interface ClassifiedError {
  code: ErrorCode;
  message: string;
  status: number;
  fields?: readonly FieldError[];
  retryAfterSeconds?: number;
  /** Unexpected errors carry the id the server log records them under. */
  requestId?: string;
  /** How loudly the server logs it: expected refusals not at all. */
  log: "error" | "warn" | null;
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled error code ${String(value)}`);
}

/** The HTTP status of each code; the switch is exhaustive, so a new code cannot be forgotten. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case ErrorCode.BAD_USER_INPUT:
    case ErrorCode.BAD_REQUEST:
    case ErrorCode.QUERY_TOO_COMPLEX:
    case ErrorCode.GRAPHQL_PARSE_FAILED:
    case ErrorCode.GRAPHQL_VALIDATION_FAILED:
    case ErrorCode.OPERATION_RESOLUTION_FAILURE:
    case ErrorCode.PERSISTED_QUERY_NOT_FOUND:
    case ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED:
      return 400;
    case ErrorCode.UNAUTHENTICATED:
      return 401;
    case ErrorCode.FORBIDDEN:
      return 403;
    case ErrorCode.NOT_FOUND:
      return 404;
    case ErrorCode.METHOD_NOT_ALLOWED:
      return 405;
    case ErrorCode.CONFLICT:
      return 409;
    case ErrorCode.PAYLOAD_TOO_LARGE:
      return 413;
    case ErrorCode.RATE_LIMITED:
      return 429;
    case ErrorCode.INTERNAL_SERVER_ERROR:
      return 500;
    case ErrorCode.SERVICE_UNAVAILABLE:
      return 503;
    default:
      return assertUnreachable(code);
  }
}

/**
 * The one classifier. Domain errors say what they are; a database that cannot be reached is
 * SERVICE_UNAVAILABLE; anything else is INTERNAL_SERVER_ERROR with a request id, and its message
 * (which may hold anything) never reaches the caller.
 */
export function classifyError(error: unknown, requestId: string = randomUUID()): ClassifiedError {
  if (error instanceof DomainError) {
    return {
      code: error.code,
      message: error.message,
      status: httpStatusOf(error.code),
      ...(error.details.fields ? { fields: error.details.fields } : {}),
      ...(error.details.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.details.retryAfterSeconds } : {}),
      log: error.code === ErrorCode.INTERNAL_SERVER_ERROR ? "error" : null,
    };
  }
  if (isDatabaseUnavailable(error)) return { ...classifyError(serviceUnavailable()), log: "warn" };
  if (isStatementTimeout(error)) return { ...classifyError(serviceUnavailable("The database took too long to answer; try again shortly")), log: "warn" };
  return {
    code: ErrorCode.INTERNAL_SERVER_ERROR,
    message: `Internal server error (request id ${requestId})`,
    status: 500,
    requestId,
    log: "error",
  };
}
