/** The stable `extensions.code` values of Keysmith's GraphQL errors (besides INTERNAL_SERVER_ERROR). */
export enum ErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  NOT_FOUND = "NOT_FOUND",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  CONFLICT = "CONFLICT",
  RATE_LIMITED = "RATE_LIMITED",
  SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE",
}

/** An expected failure of an operation; its message is safe to show to the caller. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field at fault, for BAD_USER_INPUT. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const unauthenticated = (message = "Missing or invalid credentials"): DomainError =>
  new DomainError(ErrorCode.UNAUTHENTICATED, message);

export const forbidden = (message = "Not allowed for this principal"): DomainError =>
  new DomainError(ErrorCode.FORBIDDEN, message);

export const notFound = (what: string): DomainError => new DomainError(ErrorCode.NOT_FOUND, `${what} not found`);

export const badInput = (field: string, message: string): DomainError =>
  new DomainError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, field);

export const conflict = (message: string): DomainError => new DomainError(ErrorCode.CONFLICT, message);

export const rateLimited = (message = "Too many requests; try again later"): DomainError =>
  new DomainError(ErrorCode.RATE_LIMITED, message);

export const serviceUnavailable = (message = "The database is unreachable; try again shortly"): DomainError =>
  new DomainError(ErrorCode.SERVICE_UNAVAILABLE, message);
