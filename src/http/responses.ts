import type { ServerResponse } from "node:http";
import type { ClassifiedError } from "../common/error-classifier";

export type Headers = Record<string, string>;

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(text)), ...headers });
  response.end(text);
}

/** Retry-After on every RATE_LIMITED answer; the connection is closed after a refused body. */
export function errorHeaders(error: ClassifiedError): Headers {
  const headers: Headers = {};
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  if (error.status === 413) headers.connection = "close";
  return headers;
}

/** A GraphQL-shaped error, for requests to /graphql refused before any operation ran. */
export function sendGraphqlError(response: ServerResponse, error: ClassifiedError, requestId: string, headers: Headers = {}): void {
  sendJson(
    response,
    error.status,
    { errors: [{ message: error.message, extensions: { code: error.code, requestId } }] },
    { ...headers, ...errorHeaders(error), "x-request-id": requestId },
  );
}

/** A REST-shaped error, for /v1 routes: `{ error: { code, message, requestId } }`. */
export function sendRestError(response: ServerResponse, error: ClassifiedError, requestId: string, headers: Headers = {}): void {
  sendJson(
    response,
    error.status,
    { error: { code: error.code, message: error.message, requestId, ...(error.fields ? { fields: error.fields } : {}) } },
    { ...headers, ...errorHeaders(error), "x-request-id": requestId },
  );
}
