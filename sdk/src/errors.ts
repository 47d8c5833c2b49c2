import type { ErrorResponse } from "./generated/rest";

/** The codes Keysmith answers errors with, on REST and GraphQL alike. */
export type ServerErrorCode = ErrorResponse["error"]["code"];

/** The SDK's own code: Keysmith's answer was not in its documented shape (a proxy's error page, say). */
export const UNEXPECTED_RESPONSE = "UNEXPECTED_RESPONSE";

/** A newer server may answer codes this SDK does not know yet: they come through as they are. */
export type KeysmithErrorCode = ServerErrorCode | typeof UNEXPECTED_RESPONSE | (string & {});

export interface FieldError {
  field: string;
  message: string;
}

export interface KeysmithErrorDetails {
  code: KeysmithErrorCode;
  /** The HTTP status; 503 when Keysmith could not be reached or did not answer in time. */
  status: number;
  message: string;
  /** What Keysmith's log records the request under; null when it never answered. */
  requestId?: string | null;
  /** BAD_USER_INPUT: every field at fault. */
  fields?: FieldError[] | null;
  /** RATE_LIMITED: how long to wait, from Retry-After. */
  retryAfterSeconds?: number | null;
}

/** Every failure of the SDK: an error Keysmith answered, or no answer at all. A bad key is not one. */
export class KeysmithError extends Error {
  override readonly name = "KeysmithError";
  readonly code: KeysmithErrorCode;
  readonly status: number;
  readonly requestId: string | null;
  readonly fields: FieldError[] | null;
  readonly retryAfterSeconds: number | null;

  constructor(details: KeysmithErrorDetails, options?: { cause?: unknown }) {
    super(details.message, options);
    this.code = details.code;
    this.status = details.status;
    this.requestId = details.requestId ?? null;
    this.fields = details.fields ?? null;
    this.retryAfterSeconds = details.retryAfterSeconds ?? null;
  }
}

export const isKeysmithError = (error: unknown): error is KeysmithError => error instanceof KeysmithError;
