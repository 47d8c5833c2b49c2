/** The stable codes of every error Keysmith answers (GraphQL `extensions.code`, REST `error.code`). */
export enum ErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  NOT_FOUND = "NOT_FOUND",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  CONFLICT = "CONFLICT",
  RATE_LIMITED = "RATE_LIMITED",
  SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE",
  /** Over the query limits (depth, aliases, directives, tokens, cost). */
  QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX",
  /** A request that is not a well-formed operation (bad JSON, no query, a GraphQL syntax error). */
  BAD_REQUEST = "BAD_REQUEST",
  PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE",
  METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED",
  /** Anything unexpected; answered with a request id that matches the server log. */
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
  /** Apollo's own refusals of a GraphQL request, passed through under their usual names. */
  GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED",
  GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED",
  OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE",
  PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND",
  PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED",
}

/** One invalid input field; the message never quotes the submitted value. */
export interface FieldError {
  field: string;
  message: string;
}

/** What a refused operation was, for its DENIED audit event (written after the refusal, in one place). */
export interface Denial {
  requiredScopes: readonly string[];
  targetId: string | null;
}

export interface DomainErrorDetails {
  /** BAD_USER_INPUT: every field at fault, the first one also as `field`. */
  fields?: readonly FieldError[];
  /** RATE_LIMITED: when to try again. */
  retryAfterSeconds?: number;
  denial?: Denial;
}

/**
 * An expected failure of an operation; its message is safe to show to the caller. It carries no
 * stack trace: expected refusals are never logged, and a flood of them (an attacker over budget)
 * should cost as little as possible.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = "DomainError";
  }

  /** The input field at fault, for BAD_USER_INPUT. */
  get field(): string | undefined {
    return this.details.fields?.[0]?.field;
  }
}

export const unauthenticated = (message = "Missing or invalid credentials"): DomainError =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);

export const forbidden = (message = "Not allowed for this principal", denial?: Denial): DomainError =>
  new DomainError(ErrorCode.FORBIDDEN, message, denial ? { denial } : {});

export const notFound = (what: string): DomainError => new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);

/** Every BAD_USER_INPUT message reads "Invalid input: <field>: <reason>". */
export const invalidInput = (fields: readonly FieldError[]): DomainError =>
  new DomainError(ErrorCode.BAD_USER_INPUT, `Invalid input: ${fields.map((f) => `${f.field}: ${f.message}`).join("; ")}`, { fields });

export const badInput = (field: string, message: string): DomainError => invalidInput([{ field, message }]);

export const conflict = (message: string): DomainError => new DomainError(ErrorCode.CONFLICT, message);

export const rateLimited = (message = "Too many requests; try again later", retryAfterSeconds = 60): DomainError =>
  new DomainError(ErrorCode.RATE_LIMITED, message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });

export const serviceUnavailable = (message = "The database is unreachable; try again shortly"): DomainError =>
  new DomainError(ErrorCode.SERVICE_UNAVAILABLE, message);

/** A request refused before any operation ran (its shape, size or method). */
export const requestError = (code: ErrorCode, message: string): DomainError => new DomainError(code, message);
